package dev.pgkeeper.mybatis.internal.types;

import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import org.apache.ibatis.type.BaseTypeHandler;
import org.apache.ibatis.type.JdbcType;

/**
 * {@link UUID} ↔ {@code uuid}: written with {@code setObject}, which pgjdbc sends as a {@code uuid}; read with
 * {@code getObject}. A {@code text} or {@code varchar} column holding a UUID's text is read too. Thread-safe.
 */
public final class UuidTypeHandler extends BaseTypeHandler<UUID> {

    @Override
    public void setNonNullParameter(PreparedStatement ps, int i, UUID parameter, JdbcType jdbcType)
            throws SQLException {
        ps.setObject(i, parameter);
    }

    @Override
    public UUID getNullableResult(ResultSet rs, String columnName) throws SQLException {
        return toUuid(rs.getObject(columnName), ConversionFailures.column(columnName));
    }

    @Override
    public UUID getNullableResult(ResultSet rs, int columnIndex) throws SQLException {
        Object value = rs.getObject(columnIndex);
        return value == null ? null : toUuid(value, ConversionFailures.column(rs, columnIndex));
    }

    @Override
    public UUID getNullableResult(CallableStatement cs, int columnIndex) throws SQLException {
        return toUuid(cs.getObject(columnIndex), ConversionFailures.outParameter(columnIndex));
    }

    private static UUID toUuid(Object value, String where) throws SQLException {
        if (value == null || value instanceof UUID) {
            return (UUID) value;
        }
        if (value instanceof String text) {
            try {
                return UUID.fromString(text);
            } catch (IllegalArgumentException e) {
                // The text is not quoted: a text column may hold anything.
                throw ConversionFailures.cannotRead(where + " holds text that is not a UUID: read it as String, "
                        + "or store UUIDs in a uuid column", e);
            }
        }
        throw ConversionFailures.cannotRead(where + " holds a " + value.getClass().getName()
                + ", not a uuid: read it with its own Java type, or cast it to uuid in the SQL", null);
    }
}
