package dev.pgkeeper.mybatis.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code interval} read as a {@code Duration}: days, and the intervals a Duration cannot be. */
class IntervalIT extends TypesTest {

    @Test
    void anIntervalWithMonthsFailsSayingAMonthHasNoFixedLength() {
        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> db.plain.interval("1 mon 2 days"));
        assertThat(e.code()).isEqualTo(ErrorCode.DATA_ERROR);
        assertThat(e.sqlState()).isEqualTo("22000");
        assertThat(e.getMessage()).contains("interval '1 mon 2 days'", "month has no fixed length",
                "read it as String", PlainMapper.class.getName() + ".interval");
    }

    @Test
    void daysCountAs24Hours() {
        assertThat(db.plain.interval("2 days 03:00:00")).isEqualTo(Duration.ofHours(51));
        assertThat(db.plain.interval("-1 days +02:00:00")).isEqualTo(Duration.ofHours(-22));
        assertThat(db.plain.interval("1 year -12 mons 36 hours")).isEqualTo(Duration.ofHours(36));
    }

    @Test
    void aFractionOfAMicrosecondIsRefusedRatherThanTruncated() {
        DatabaseError e = catchThrowableOfType(DatabaseError.class,
                () -> db.roundTrip(v -> v.duration = Duration.ofNanos(1_500)));
        assertThat(e.code()).isEqualTo(ErrorCode.DATA_ERROR);
        assertThat(e.sqlState()).isEqualTo("22023");
        assertThat(e.getMessage()).contains("PT0.0000015S", "below a microsecond", "truncatedTo(ChronoUnit.MICROS)");
    }

    @Test
    void anotherIntervalStyleFailsNamingTheSetting() {
        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> db.client.useTransaction(() -> {
            db.plain.useIsoIntervalStyle();
            db.plain.interval("1 day");
        }));
        assertThat(e.getMessage()).contains("'P1D'", "IntervalStyle");
    }
}
