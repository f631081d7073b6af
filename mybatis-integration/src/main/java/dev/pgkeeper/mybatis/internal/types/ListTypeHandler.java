package dev.pgkeeper.mybatis.internal.types;

import java.sql.Array;
import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.ibatis.type.BaseTypeHandler;
import org.apache.ibatis.type.JdbcType;
import org.apache.ibatis.type.TypeHandler;

/**
 * {@code java.util.List} ↔ a PostgreSQL array. Writing, the element type is the class of the first non-null
 * element ({@link ArrayElement#LIST_ELEMENTS}: String, Short, Integer, Long, Float, Double, Boolean, BigDecimal,
 * UUID), and every other element must be of that class. A list without a non-null element (empty, or NULLs
 * only) is sent as the text {@code {}} ({@code {NULL,...}}) of unspecified type, so that the server gives it the
 * array type of the column or expression it meets. Reading gives a mutable {@code ArrayList} of what pgjdbc's
 * {@link Array#getArray()} returns (a {@code text[]} gives Strings, an {@code int4[]} Integers, a
 * {@code date[]} {@code java.sql.Date}s, which is why a List of LocalDates is refused: use {@code LocalDate[]}).
 * Thread-safe.
 *
 * <p>Typed {@code Object} for the same reason as {@link JavaArrayTypeHandler}: a value that is not a List (an
 * element picked with {@code #{list[0]}}) goes to {@code fallback}.
 */
public final class ListTypeHandler extends BaseTypeHandler<Object> {

    private static final String LIST_ELEMENT_NAMES = ArrayElement.LIST_ELEMENTS.stream()
            .map(e -> e.javaType().getSimpleName()).collect(Collectors.joining(", "));

    private final TypeHandler<Object> fallback;

    ListTypeHandler(TypeHandler<Object> fallback) {
        this.fallback = Objects.requireNonNull(fallback, "fallback");
    }

    @Override
    public void setNonNullParameter(PreparedStatement ps, int i, Object parameter, JdbcType jdbcType)
            throws SQLException {
        if (!(parameter instanceof List<?> list)) {
            fallback.setParameter(ps, i, parameter, jdbcType);
            return;
        }
        Object first = list.stream().filter(Objects::nonNull).findFirst().orElse(null);
        if (first == null) {
            ps.setObject(i, nullsOnly(list.size()), Types.OTHER);
            return;
        }
        ArrayElement element = ArrayElement.of(first.getClass());
        if (element == null || !ArrayElement.LIST_ELEMENTS.contains(element)) {
            String hint = element == ArrayElement.DATE
                    ? "pgjdbc would read them back as java.sql.Date: use a LocalDate[] instead"
                    : "use a List of " + LIST_ELEMENT_NAMES + ", a Java array, or a typeHandler of your own";
            throw ConversionFailures.cannotWrite(i, "A List of " + first.getClass().getName()
                    + " cannot be written as a PostgreSQL array: " + hint, null);
        }
        Object[] elements = list.toArray();
        for (Object e : elements) {
            if (e != null && !element.holds(e)) {
                throw ConversionFailures.cannotWrite(i, "A List mixes " + first.getClass().getName() + " and "
                        + e.getClass().getName() + " elements; a PostgreSQL array holds one type: convert them "
                        + "to one type first", null);
            }
        }
        Array array = element.toSqlArray(ps.getConnection(), elements);
        ps.setArray(i, array);
        array.free();
    }

    /** {@code {}}, or {@code {NULL,NULL}} for two nulls: an array literal the server can give any array type. */
    private static String nullsOnly(int size) {
        StringBuilder text = new StringBuilder("{");
        for (int k = 0; k < size; k++) {
            text.append(k == 0 ? "NULL" : ",NULL");
        }
        return text.append('}').toString();
    }

    @Override
    public Object getNullableResult(ResultSet rs, String columnName) throws SQLException {
        return read(rs.getArray(columnName));
    }

    @Override
    public Object getNullableResult(ResultSet rs, int columnIndex) throws SQLException {
        return read(rs.getArray(columnIndex));
    }

    @Override
    public Object getNullableResult(CallableStatement cs, int columnIndex) throws SQLException {
        return read(cs.getArray(columnIndex));
    }

    private static List<Object> read(Array array) throws SQLException {
        if (array == null) {
            return null;
        }
        try {
            Object elements = array.getArray();
            int length = java.lang.reflect.Array.getLength(elements);
            List<Object> list = new ArrayList<>(length);
            for (int k = 0; k < length; k++) {
                list.add(java.lang.reflect.Array.get(elements, k));
            }
            return list;
        } finally {
            array.free();
        }
    }

    @Override
    public String toString() {
        return "ListTypeHandler[List <-> array]";
    }
}
