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
 * A Java array of a primitive type ({@code int[]}, {@code long[]}, {@code double[]}, ...) ↔ the PostgreSQL
 * array of the matching type ({@code int4[]}, {@code int8[]}, {@code float8[]}, ...). A NULL element cannot be
 * held and fails the read, naming the column and the wrapper array to use instead. Thread-safe.
 *
 * <p>Typed {@code Object} for the same reason as {@link ObjectArrayTypeHandler}: a value that is not such an
 * array goes to {@code fallback}.
 */
public final class PrimitiveArrayTypeHandler extends BaseTypeHandler<Object> {

    private final ArrayElement element;
    private final Class<?> arrayType;
    private final TypeHandler<Object> fallback;

    PrimitiveArrayTypeHandler(ArrayElement element, TypeHandler<Object> fallback) {
        this.element = Objects.requireNonNull(element, "element");
        if (element.primitiveType() == null) {
            throw new IllegalArgumentException(element + " has no primitive type");
        }
        this.arrayType = element.primitiveType().arrayType();
        this.fallback = Objects.requireNonNull(fallback, "fallback");
    }

    /** The Java array type this handler writes and reads, e.g. {@code int[].class}. */
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
        int length = java.lang.reflect.Array.getLength(parameter);
        Object[] boxed = new Object[length];
        for (int k = 0; k < length; k++) {
            boxed[k] = java.lang.reflect.Array.get(parameter, k);
        }
        Array array = element.toSqlArray(ps.getConnection(), boxed);
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
        Object[] boxed;
        try {
            boxed = element.fromSqlArray(array, where);
        } finally {
            array.free();
        }
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
        return "PrimitiveArrayTypeHandler[" + arrayType.getSimpleName() + " <-> " + element.sqlType() + "[]]";
    }
}
