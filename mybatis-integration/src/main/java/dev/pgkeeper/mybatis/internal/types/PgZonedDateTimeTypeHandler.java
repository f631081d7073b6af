package dev.pgkeeper.mybatis.internal.types;

import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.apache.ibatis.type.BaseTypeHandler;
import org.apache.ibatis.type.JdbcType;

/**
 * {@link ZonedDateTime} ↔ {@code timestamptz}, replacing MyBatis's handler, whose {@code setObject} pgjdbc
 * refuses ("Can't infer the SQL type to use for an instance of java.time.ZonedDateTime"). Written and read
 * through {@link TimestampColumns}, and read at UTC ({@link ZoneOffset#UTC}), whatever the JVM's zone: a
 * timestamptz keeps the instant, not the zone, and UTC is what pgjdbc itself gives for an {@code OffsetDateTime}.
 * Convert with {@code withZoneSameInstant} where another zone is wanted. {@code infinity} has no ZonedDateTime
 * and fails the read. Thread-safe.
 */
public final class PgZonedDateTimeTypeHandler extends BaseTypeHandler<ZonedDateTime> {

    @Override
    public void setNonNullParameter(PreparedStatement ps, int i, ZonedDateTime parameter, JdbcType jdbcType)
            throws SQLException {
        TimestampColumns.write(ps, i, parameter.toOffsetDateTime());
    }

    @Override
    public ZonedDateTime getNullableResult(ResultSet rs, String columnName) throws SQLException {
        return toZoned(TimestampColumns.read(rs, rs.findColumn(columnName)), ConversionFailures.column(columnName));
    }

    @Override
    public ZonedDateTime getNullableResult(ResultSet rs, int columnIndex) throws SQLException {
        OffsetDateTime value = TimestampColumns.read(rs, columnIndex);
        return value == null ? null : toZoned(value, ConversionFailures.column(rs, columnIndex));
    }

    @Override
    public ZonedDateTime getNullableResult(CallableStatement cs, int columnIndex) throws SQLException {
        return toZoned(TimestampColumns.read(cs, columnIndex), ConversionFailures.outParameter(columnIndex));
    }

    private static ZonedDateTime toZoned(OffsetDateTime value, String where) throws SQLException {
        if (value == null) {
            return null;
        }
        if (value.equals(OffsetDateTime.MAX) || value.equals(OffsetDateTime.MIN)) {
            throw ConversionFailures.cannotRead(where + " holds " + (value.equals(OffsetDateTime.MAX) ? "" : "-")
                    + "infinity, which a ZonedDateTime cannot hold: read it as Instant or OffsetDateTime "
                    + "(MAX/MIN), or keep infinity out in the SQL", null);
        }
        return value.atZoneSameInstant(ZoneOffset.UTC);
    }
}
