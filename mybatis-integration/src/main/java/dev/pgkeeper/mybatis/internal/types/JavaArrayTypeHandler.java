package dev.pgkeeper.mybatis.internal.types;

import java.sql.Array;
import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import org.apache.ibatis.type.BaseTypeHandler;
import org.apache.ibatis.type.JdbcType;
import org.apache.ibatis.type.TypeHandler;

/**
 * A Java array ↔ the PostgreSQL array of the matching type: of a boxed or reference type
 * ({@code String[]}, {@code Integer[]}, {@code UUID[]} ↔ {@code text[]}, {@code int4[]}, {@code uuid[]}, ...),
 * where NULL elements stay null, or of a primitive type ({@code int[]}, {@code double[]} ↔ {@code int4[]},
 * {@code float8[]}, ...), where a NULL element cannot be held and fails the read, naming the column and the
 * wrapper array to use instead. See {@link ArrayElement} for the element types and conversions. Thread-safe.
 *
 * <p>Typed {@code Object}: MyBatis also gives this handler a value that is not an array when a mapper method
 * whose only parameter is an array picks one element ({@code #{names[0]}}); such a value goes to
 * {@code fallback} (MyBatis's UnknownTypeHandler), as it did before this handler was registered.
 */
public final class JavaArrayTypeHandler extends BaseTypeHandler<Object> {

    private final ArrayElement element;
    private final boolean primitive;
    private final Class<?> arrayType;
    private final TypeHandler<Object> fallback;

    private JavaArrayTypeHandler(ArrayElement element, boolean primitive, TypeHandler<Object> fallback) {
        this.element = Objects.requireNonNull(element, "element");
        this.primitive = primitive;
        this.arrayType = (primitive ? element.primitiveType() : element.javaType()).arrayType();
        this.fallback = Objects.requireNonNull(fallback, "fallback");
    }

    /** The handler of arrays of {@code element}'s boxed or reference type, e.g. {@code Integer[]}. */
    static JavaArrayTypeHandler boxed(ArrayElement element, TypeHandler<Object> fallback) {
        return new JavaArrayTypeHandler(element, false, fallback);
    }

    /** The handler of arrays of {@code element}'s primitive type, e.g. {@code int[]}. */
    static JavaArrayTypeHandler primitive(ArrayElement element, TypeHandler<Object> fallback) {
        if (element.primitiveType() == null) {
            throw new IllegalArgumentException(element + " has no primitive type");
        }
        return new JavaArrayTypeHandler(element, true, fallback);
    }

    /** The Java array type this handler writes and reads, e.g. {@code Integer[].class} or {@code int[].class}. */
    Class<?> arrayType() {
        return arrayType;
    }

    @Override
    public void setNonNullParameter(PreparedStatement ps, int i, Object parameter, JdbcType jdbcType)
            throws SQLException {
        if (!arrayType.isInstance(parameter)) {
            fallback.setParameter(ps, i, parameter, jdbcType);
            return;
        }
        Array array = element.toSqlArray(ps.getConnection(), primitive ? boxed(parameter) : (Object[]) parameter);
        ps.setArray(i, array);
        array.free();
    }

    @Override
    public Object getNullableResult(ResultSet rs, String columnName) throws SQLException {
        return read(rs.getArray(columnName), ConversionFailures.column(columnName));
    }

    @Override
    public Object getNullableResult(ResultSet rs, int columnIndex) throws SQLException {
        Array array = rs.getArray(columnIndex);
        return array == null ? null : read(array, ConversionFailures.column(rs, columnIndex));
    }

    @Override
    public Object getNullableResult(CallableStatement cs, int columnIndex) throws SQLException {
        return read(cs.getArray(columnIndex), ConversionFailures.outParameter(columnIndex));
    }

    private Object read(Array array, String where) throws SQLException {
        if (array == null) {
            return null;
        }
        Object[] elements;
        try {
            elements = element.fromSqlArray(array, where);
        } finally {
            array.free();
        }
        return primitive ? unboxed(elements, where) : elements;
    }

    private static Object[] boxed(Object primitives) {
        int length = java.lang.reflect.Array.getLength(primitives);
        Object[] boxed = new Object[length];
        for (int k = 0; k < length; k++) {
            boxed[k] = java.lang.reflect.Array.get(primitives, k);
        }
        return boxed;
    }

    private Object unboxed(Object[] boxed, String where) throws SQLException {
        Object result = java.lang.reflect.Array.newInstance(element.primitiveType(), boxed.length);
        for (int k = 0; k < boxed.length; k++) {
            if (boxed[k] == null) {
                throw ConversionFailures.cannotRead(where + " holds NULL at index " + (k + 1) + ", which "
                        + arrayType.getSimpleName() + " cannot hold: read it as "
                        + element.javaType().getSimpleName() + "[] or List, or leave NULLs out in the SQL "
                        + "(array_remove(column, NULL))", null);
            }
            java.lang.reflect.Array.set(result, k, boxed[k]);
        }
        return result;
    }

    @Override
    public String toString() {
        return "JavaArrayTypeHandler[" + arrayType.getSimpleName() + " <-> " + element.sqlType() + "[]]";
    }
}
