package dev.pgkeeper.mybatis.internal.types;

import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Writes and reads points in time for the Instant, OffsetDateTime and ZonedDateTime handlers. Written as an
 * {@code OffsetDateTime} at UTC, which pgjdbc sends as a {@code timestamptz}: the same instant whatever the
 * value's offset (PostgreSQL refuses offsets beyond ±15:59:59, which Java allows up to ±18:00). Read from a
 * {@code timestamptz} as pgjdbc reads it (at UTC); from a {@code timestamp} as a wall-clock time of the JVM's
 * zone, because that is the zone a timestamptz is converted with when it is written into a {@code timestamp}
 * (the session's, which pgjdbc sets to the JVM's), and the zone MyBatis's own Instant handler reads it in;
 * pgjdbc itself would read it at UTC, which does not give back what was written unless the JVM runs at UTC.
 * pgjdbc reports both types as {@code Types.TIMESTAMP}, so the column's type name is asked; the result's
 * metadata, which pgjdbc keeps for the whole result. Stateless.
 */
final class TimestampColumns {

    private TimestampColumns() {
    }

    /** Sets parameter {@code i} to {@code value}, at UTC; {@code OffsetDateTime.MAX/MIN} become ±infinity. */
    static void write(PreparedStatement ps, int i, OffsetDateTime value) throws SQLException {
        if (value.equals(OffsetDateTime.MAX) || value.equals(OffsetDateTime.MIN)) {
            ps.setObject(i, value);
            return;
        }
        OffsetDateTime utc;
        try {
            utc = value.withOffsetSameInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            throw ConversionFailures.cannotWrite(i, "The time " + value + " is far outside timestamptz's range "
                    + "(4713 BC to 294276 AD): use MAX or MIN for ±infinity", e);
        }
        ps.setObject(i, utc);
    }

    /** The value of column {@code index}; ±infinity as {@code OffsetDateTime.MAX/MIN}; {@code null} for NULL. */
    static OffsetDateTime read(ResultSet rs, int index) throws SQLException {
        if ("timestamp".equals(rs.getMetaData().getColumnTypeName(index))) {
            return atSystemZone(rs.getObject(index, LocalDateTime.class));
        }
        return rs.getObject(index, OffsetDateTime.class);
    }

    /** The value of OUT parameter {@code index}, read as {@code OffsetDateTime}. */
    static OffsetDateTime read(CallableStatement cs, int index) throws SQLException {
        return cs.getObject(index, OffsetDateTime.class);
    }

    private static OffsetDateTime atSystemZone(LocalDateTime value) {
        if (value == null) {
            return null;
        }
        if (value.equals(LocalDateTime.MAX)) {
            return OffsetDateTime.MAX;
        }
        if (value.equals(LocalDateTime.MIN)) {
            return OffsetDateTime.MIN;
        }
        return value.atZone(ZoneId.systemDefault()).toOffsetDateTime();
    }
}
