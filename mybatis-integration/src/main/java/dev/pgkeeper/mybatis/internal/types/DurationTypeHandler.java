package dev.pgkeeper.mybatis.internal.types;

import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.apache.ibatis.type.BaseTypeHandler;
import org.apache.ibatis.type.JdbcType;
import org.postgresql.util.PGobject;

/**
 * {@link Duration} ↔ {@code interval}. Written as a pure time interval with microsecond precision
 * ({@link IntervalText}), typed {@code interval}; pgjdbc's {@code PGInterval} is not used because its hours are
 * an {@code int} and its seconds a {@code double}, which hold neither the whole range nor every microsecond. A
 * Duration with a fraction of a microsecond is refused rather than truncated, so that what is read back is what
 * was written: truncate it first ({@code truncatedTo(ChronoUnit.MICROS)}). The range is
 * ±2562047788:00:54.775807. Read with days as 24 hours; an interval with months or years fails the read, since a
 * month has no fixed length. Thread-safe.
 */
public final class DurationTypeHandler extends BaseTypeHandler<Duration> {

    @Override
    public void setNonNullParameter(PreparedStatement ps, int i, Duration parameter, JdbcType jdbcType)
            throws SQLException {
        PGobject interval = new PGobject();
        interval.setType("interval");
        try {
            interval.setValue(IntervalText.format(parameter));
        } catch (IllegalArgumentException e) {
            throw ConversionFailures.cannotWrite(i, "The Duration " + parameter + " " + e.getMessage(), e);
        }
        ps.setObject(i, interval);
    }

    @Override
    public Duration getNullableResult(ResultSet rs, String columnName) throws SQLException {
        return toDuration(rs.getString(columnName), ConversionFailures.column(columnName));
    }

    @Override
    public Duration getNullableResult(ResultSet rs, int columnIndex) throws SQLException {
        String text = rs.getString(columnIndex);
        return text == null ? null : toDuration(text, ConversionFailures.column(rs, columnIndex));
    }

    @Override
    public Duration getNullableResult(CallableStatement cs, int columnIndex) throws SQLException {
        return toDuration(cs.getString(columnIndex), ConversionFailures.outParameter(columnIndex));
    }

    private static Duration toDuration(String text, String where) throws SQLException {
        if (text == null) {
            return null;
        }
        try {
            return IntervalText.parse(text);
        } catch (IllegalArgumentException e) {
            throw ConversionFailures.cannotRead(where + " holds interval " + ConversionFailures.quote(text) + ", which "
                    + e.getMessage(), e);
        }
    }
}
