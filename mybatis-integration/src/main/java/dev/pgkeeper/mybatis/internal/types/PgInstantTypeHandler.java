package dev.pgkeeper.mybatis.internal.types;

import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.ibatis.type.BaseTypeHandler;
import org.apache.ibatis.type.JdbcType;

/**
 * {@link Instant} ↔ {@code timestamptz}, replacing MyBatis's handler, which goes through
 * {@code java.sql.Timestamp}: its Julian calendar before 1582 stores an Instant of year 1000 as
 * {@code 0999-12-27} (the Java round trip still agrees, so the wrong value shows only in SQL). Written and read
 * through {@link TimestampColumns} (pgjdbc's {@code timestamptz}, proleptic Gregorian, BC included).
 * {@code Instant.MAX}/{@code MIN} ↔ {@code infinity}/{@code -infinity}. Nanoseconds are rounded to microseconds
 * by pgjdbc, as for every timestamp. Thread-safe.
 */
public final class PgInstantTypeHandler extends BaseTypeHandler<Instant> {

    @Override
    public void setNonNullParameter(PreparedStatement ps, int i, Instant parameter, JdbcType jdbcType)
            throws SQLException {
        OffsetDateTime value;
        if (parameter.equals(Instant.MAX)) {
            value = OffsetDateTime.MAX;
        } else if (parameter.equals(Instant.MIN)) {
            value = OffsetDateTime.MIN;
        } else {
            try {
                value = OffsetDateTime.ofInstant(parameter, ZoneOffset.UTC);
            } catch (DateTimeException e) {
                throw ConversionFailures.cannotWrite(i, "The Instant " + parameter + " is far outside timestamptz's "
                        + "range (4713 BC to 294276 AD): use Instant.MAX or Instant.MIN for ±infinity", e);
            }
        }
        TimestampColumns.write(ps, i, value);
    }

    @Override
    public Instant getNullableResult(ResultSet rs, String columnName) throws SQLException {
        return toInstant(TimestampColumns.read(rs, rs.findColumn(columnName)));
    }

    @Override
    public Instant getNullableResult(ResultSet rs, int columnIndex) throws SQLException {
        return toInstant(TimestampColumns.read(rs, columnIndex));
    }

    @Override
    public Instant getNullableResult(CallableStatement cs, int columnIndex) throws SQLException {
        return toInstant(TimestampColumns.read(cs, columnIndex));
    }

    private static Instant toInstant(OffsetDateTime value) {
        if (value == null) {
            return null;
        }
        if (value.equals(OffsetDateTime.MAX)) {
            return Instant.MAX;
        }
        if (value.equals(OffsetDateTime.MIN)) {
            return Instant.MIN;
        }
        return value.toInstant();
    }
}
