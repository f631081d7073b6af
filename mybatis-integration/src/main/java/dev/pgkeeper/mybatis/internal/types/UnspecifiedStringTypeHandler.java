package dev.pgkeeper.mybatis.internal.types;

import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import org.apache.ibatis.type.BaseTypeHandler;
import org.apache.ibatis.type.JdbcType;

/**
 * {@code String} with {@code jdbcType=OTHER} ↔ {@code json}, {@code jsonb} or any type the server can infer from
 * where the parameter stands. Written with {@code setObject(i, s, Types.OTHER)}, which pgjdbc sends as a value
 * of unspecified type, as {@code stringtype=unspecified} would for every string; {@code setString} would send a
 * {@code varchar}, which PostgreSQL does not turn into {@code jsonb} by itself. Read with {@code getString}, the
 * server's text of the value. Registered for {@code String} with {@link JdbcType#OTHER} only: ordinary strings
 * keep MyBatis's handler. Thread-safe.
 */
public final class UnspecifiedStringTypeHandler extends BaseTypeHandler<String> {

    @Override
    public void setNonNullParameter(PreparedStatement ps, int i, String parameter, JdbcType jdbcType)
            throws SQLException {
        ps.setObject(i, parameter, Types.OTHER);
    }

    @Override
    public String getNullableResult(ResultSet rs, String columnName) throws SQLException {
        return rs.getString(columnName);
    }

    @Override
    public String getNullableResult(ResultSet rs, int columnIndex) throws SQLException {
        return rs.getString(columnIndex);
    }

    @Override
    public String getNullableResult(CallableStatement cs, int columnIndex) throws SQLException {
        return cs.getString(columnIndex);
    }
}
