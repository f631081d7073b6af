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
 * A Java array of a boxed or reference type ({@code String[]}, {@code Integer[]}, {@code UUID[]}, ...) ↔ the
 * PostgreSQL array of the matching type ({@code text[]}, {@code int4[]}, {@code uuid[]}, ...). NULL elements
 * stay null. See {@link ArrayElement} for the element types and conversions. Thread-safe.
 *
 * <p>Typed {@code Object}: MyBatis also gives this handler a value that is not an array when a mapper method
 * whose only parameter is an array picks one element ({@code #{names[0]}}); such a value goes to
 * {@code fallback} (MyBatis's UnknownTypeHandler), as it did before this handler was registered.
 */
public final class ObjectArrayTypeHandler extends BaseTypeHandler<Object> {

    private final ArrayElement element;
    private final Class<?> arrayType;
    private final TypeHandler<Object> fallback;

    ObjectArrayTypeHandler(ArrayElement element, TypeHandler<Object> fallback) {
        this.element = Objects.requireNonNull(element, "element");
        this.arrayType = element.javaType().arrayType();
        this.fallback = Objects.requireNonNull(fallback, "fallback");
    }

    /** The Java array type this handler writes and reads, e.g. {@code Integer[].class}. */
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
        Array array = element.toSqlArray(ps.getConnection(), (Object[]) parameter);
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
        try {
            return element.fromSqlArray(array, where);
        } finally {
            array.free();
        }
    }

    @Override
    public String toString() {
        return "ObjectArrayTypeHandler[" + arrayType.getSimpleName() + " <-> " + element.sqlType() + "[]]";
    }
}
