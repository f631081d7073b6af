package dev.pgkeeper.mybatis.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * {@code java.time.Duration} ↔ {@code interval} through a mapper built with {@code postgresTypes()}: negative and
 * large durations, to the microsecond, up to the interval's limit of ±(2^63 - 1) microseconds.
 */
class IntervalProperties {

    private static TypesDatabase db;

    @BeforeContainer
    static void start() throws SQLException {
        db = TypesDatabase.start("IntervalProperties");
    }

    @AfterContainer
    static void stop() {
        db.close();
    }

    @Property(tries = 100)
    @Label("a Duration property is written into an interval column and read back equal, null included")
    void aDurationRoundTrips(@ForAll("durations") Duration duration) {
        assertThat(db.roundTrip(v -> v.duration = duration).duration).isEqualTo(duration);
        db.assertNothingLeaked();
    }

    @Provide
    Arbitrary<Duration> durations() {
        long day = 86_400_000_000L;
        return Arbitraries.frequencyOf(
                        Tuple.of(3, Arbitraries.longs().between(-Long.MAX_VALUE, Long.MAX_VALUE)),
                        Tuple.of(3, Arbitraries.longs().between(-400 * day, 400 * day)),
                        Tuple.of(2, Arbitraries.longs().between(-1_000_000, 1_000_000)),
                        Tuple.of(1, Arbitraries.of(0L, 1L, -1L, day, -day, day - 1, Long.MAX_VALUE, -Long.MAX_VALUE)))
                .map(micros -> Duration.of(micros, ChronoUnit.MICROS)).injectNull(0.05);
    }
}
