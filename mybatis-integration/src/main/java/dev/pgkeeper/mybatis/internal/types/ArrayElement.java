package dev.pgkeeper.mybatis.internal.types;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The element types of the PostgreSQL arrays the array handlers write and read: the Java type, its primitive
 * (if any) and the PostgreSQL type of the elements. Writing goes through {@link Connection#createArrayOf}
 * with that PostgreSQL type, so that pgjdbc quotes and escapes every element; reading goes through
 * {@link Array#getArray()}, then each element is checked against, or converted without loss to, the Java type.
 */
enum ArrayElement {
    TEXT(String.class, null, "text"),
    SMALLINT(Short.class, short.class, "int2"),
    INTEGER(Integer.class, int.class, "int4"),
    BIGINT(Long.class, long.class, "int8"),
    REAL(Float.class, float.class, "float4"),
    DOUBLE(Double.class, double.class, "float8"),
    BOOLEAN(Boolean.class, boolean.class, "bool"),
    NUMERIC(BigDecimal.class, null, "numeric"),
    UUID(java.util.UUID.class, null, "uuid"),
    /**
     * Written as PostgreSQL's own text of each date (BC years and infinity included) and read through pgjdbc's
     * {@code LocalDate} conversion: {@code getArray()} would give {@code java.sql.Date}s, which shift dates
     * before the Gregorian calendar's adoption and cannot hold years past 9999.
     */
    DATE(LocalDate.class, null, "date");

    /** The element types a {@code List} may hold: those that {@code getArray()} reads back as written. */
    static final List<ArrayElement> LIST_ELEMENTS = List.of(TEXT, SMALLINT, INTEGER, BIGINT, REAL, DOUBLE, BOOLEAN,
            NUMERIC, UUID);

    private final Class<?> javaType;
    private final Class<?> primitiveType;
    private final String sqlType;

    ArrayElement(Class<?> javaType, Class<?> primitiveType, String sqlType) {
        this.javaType = javaType;
        this.primitiveType = primitiveType;
        this.sqlType = sqlType;
    }

    /** The Java type of the elements, boxed. */
    Class<?> javaType() {
        return javaType;
    }

    /** The primitive Java type of the elements, or {@code null} when there is none. */
    Class<?> primitiveType() {
        return primitiveType;
    }

    /** The PostgreSQL type of the elements, e.g. {@code int4}. */
    String sqlType() {
        return sqlType;
    }

    /** The element type of {@code type}, boxed or primitive, or {@code null} when there is none. */
    static ArrayElement of(Class<?> type) {
        for (ArrayElement element : values()) {
            if (element.javaType == type || element.primitiveType == type) {
                return element;
            }
        }
        return null;
    }

    /** A PostgreSQL array of {@code elements} (boxed, each of {@link #javaType()} or null); free it after use. */
    Array toSqlArray(Connection connection, Object[] elements) throws SQLException {
        if (this != DATE) {
            return connection.createArrayOf(sqlType, elements);
        }
        Object[] texts = new Object[elements.length];
        for (int i = 0; i < elements.length; i++) {
            texts[i] = elements[i] == null ? null : dateText((LocalDate) elements[i]);
        }
        return connection.createArrayOf(sqlType, texts);
    }

    /**
     * The elements of {@code array} as an array of {@link #javaType()}: pgjdbc's own array when its type is
     * already right, otherwise a copy with each element converted without loss.
     *
     * @param where the column, for messages
     * @throws SQLException naming {@code where} when an element cannot be held, or the array has more than one
     *                      dimension
     */
    Object[] fromSqlArray(Array array, String where) throws SQLException {
        if (this == DATE) {
            return dates(array, where);
        }
        Object raw = array.getArray();
        if (raw.getClass().getComponentType() == javaType) {
            return (Object[]) raw;
        }
        if (!(raw instanceof Object[] elements)) {
            throw mismatch(array, where, raw.getClass().getComponentType());
        }
        Object[] converted = (Object[]) java.lang.reflect.Array.newInstance(javaType, elements.length);
        for (int i = 0; i < elements.length; i++) {
            converted[i] = convert(elements[i], array, where);
        }
        return converted;
    }

    private Object convert(Object value, Array array, String where) throws SQLException {
        if (value == null || javaType.isInstance(value)) {
            return value;
        }
        if (value instanceof Short || value instanceof Integer || value instanceof Long) {
            long v = ((Number) value).longValue();
            switch (this) {
                case SMALLINT:
                    if (v == (short) v) {
                        return (short) v;
                    }
                    throw outOfRange(where, v);
                case INTEGER:
                    if (v == (int) v) {
                        return (int) v;
                    }
                    throw outOfRange(where, v);
                case BIGINT:
                    return v;
                case NUMERIC:
                    return BigDecimal.valueOf(v);
                default:
                    break;
            }
        }
        if (this == DOUBLE && value instanceof Float f) {
            return f.doubleValue();
        }
        throw mismatch(array, where, value.getClass());
    }

    private Object[] dates(Array array, String where) throws SQLException {
        List<LocalDate> dates = new ArrayList<>();
        try (ResultSet rows = array.getResultSet()) {
            // One row per element: its index, then its value.
            while (rows.next()) {
                dates.add(rows.getObject(2, LocalDate.class));
            }
        } catch (SQLException e) {
            throw ConversionFailures.cannotRead(where + " is a " + array.getBaseTypeName()
                    + "[] whose elements cannot be read as LocalDate (" + e.getMessage() + "): read it as a date[]", e);
        }
        return dates.toArray(new LocalDate[0]);
    }

    private SQLException outOfRange(String where, long value) {
        return ConversionFailures.cannotRead(where + " holds the element " + value + ", which "
                + javaType.getSimpleName() + " cannot hold: read it as Long[] or long[]", null);
    }

    private SQLException mismatch(Array array, String where, Class<?> found) throws SQLException {
        String elements = found != null && found.isArray() ? "more than one dimension"
                : "elements that pgjdbc reads as " + (found == null ? "primitives" : found.getName());
        return ConversionFailures.cannotRead(where + " is an array of " + array.getBaseTypeName() + " with "
                + elements + ", not " + javaType.getSimpleName() + ": read it as a List, or as the Java array of its "
                + "element type", null);
    }

    /** PostgreSQL's text of a date: ISO years 0 and below are BC; LocalDate.MAX/MIN are ±infinity, as in pgjdbc. */
    static String dateText(LocalDate date) {
        if (date.equals(LocalDate.MAX)) {
            return "infinity";
        }
        if (date.equals(LocalDate.MIN)) {
            return "-infinity";
        }
        int year = date.getYear();
        return String.format(Locale.ROOT, "%04d-%02d-%02d%s", year > 0 ? year : 1 - year, date.getMonthValue(),
                date.getDayOfMonth(), year > 0 ? "" : " BC");
    }

    /** Whether {@code value} is of this element's Java type. */
    boolean holds(Object value) {
        return javaType.isInstance(value);
    }
}
