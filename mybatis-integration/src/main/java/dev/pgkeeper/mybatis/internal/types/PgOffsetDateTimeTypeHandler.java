package dev.pgkeeper.mybatis.internal.types;

import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import org.apache.ibatis.type.BaseTypeHandler;
import org.apache.ibatis.type.JdbcType;

/**
 * {@link OffsetDateTime} ↔ {@code timestamptz}, replacing MyBatis's handler, which gives the value to pgjdbc with
 * its own offset: PostgreSQL refuses offsets beyond ±15:59:59 ("time zone displacement out of range"), though
 * Java allows up to ±18:00. Written and read through {@link TimestampColumns}: the same instant, at UTC; read back
 * at UTC, as pgjdbc reads a timestamptz (the offset written is not stored). {@code OffsetDateTime.MAX/MIN} ↔
 * ±infinity, as in pgjdbc. Thread-safe.
 */
public final class PgOffsetDateTimeTypeHandler extends BaseTypeHandler<OffsetDateTime> {

    @Override
    public void setNonNullParameter(PreparedStatement ps, int i, OffsetDateTime parameter, JdbcType jdbcType)
            throws SQLException {
        TimestampColumns.write(ps, i, parameter);
    }

    @Override
    public OffsetDateTime getNullableResult(ResultSet rs, String columnName) throws SQLException {
        return TimestampColumns.read(rs, rs.findColumn(columnName));
    }

    @Override
    public OffsetDateTime getNullableResult(ResultSet rs, int columnIndex) throws SQLException {
        return TimestampColumns.read(rs, columnIndex);
    }

    @Override
    public OffsetDateTime getNullableResult(CallableStatement cs, int columnIndex) throws SQLException {
        return TimestampColumns.read(cs, columnIndex);
    }
}
