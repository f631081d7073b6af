package dev.pgkeeper.mybatis.internal.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link IntervalText}: what it writes it reads back; it reads PostgreSQL's default output (days and a signed
 * time, each with its own sign) with a day as 24 hours; it refuses months, infinity, other styles, fractions of
 * a microsecond and the one count of microseconds PostgreSQL cannot read back.
 */
class IntervalTextProperties {

    @Property(tries = 1000)
    void whatIsWrittenIsReadBack(@ForAll("micros") long micros) {
        Duration duration = Duration.of(micros, ChronoUnit.MICROS);
        assertThat(IntervalText.parse(IntervalText.format(duration))).isEqualTo(duration);
    }

    @Property(tries = 1000)
    void daysAndTimeAsPostgresPrintsThem(@ForAll @IntRange(min = -100_000, max = 100_000) int days,
                                         @ForAll("micros") long timeMicros) {
        long time = timeMicros % (1000L * 3600 * 1_000_000); // hours stay below 1000 when days are printed too
        String timeText = IntervalText.format(Duration.of(time, ChronoUnit.MICROS));
        String text = (days == 0 ? "" : days + (Math.abs(days) == 1 ? " day " : " days "))
                + (days < 0 && time >= 0 ? "+" : "") + timeText;
        assertThat(IntervalText.parse(text)).as(text).isEqualTo(Duration.ofDays(days).plus(time, ChronoUnit.MICROS));
    }

    @Example
    void theTextsPostgresPrints() {
        assertThat(IntervalText.parse("00:00:00")).isEqualTo(Duration.ZERO);
        assertThat(IntervalText.parse("1 day")).isEqualTo(Duration.ofHours(24));
        assertThat(IntervalText.parse("-1 days +02:03:00")).isEqualTo(Duration.ofHours(-22).minusMinutes(-3));
        assertThat(IntervalText.parse("3 days -04:05:06.5")).isEqualTo(Duration.parse("PT72H").minus(
                Duration.parse("PT4H5M6.5S")));
        assertThat(IntervalText.parse("2562047788:00:54.775807"))
                .isEqualTo(Duration.of(Long.MAX_VALUE, ChronoUnit.MICROS));
        assertThat(IntervalText.parse("-2562047788:00:54.775808"))
                .isEqualTo(Duration.of(Long.MIN_VALUE, ChronoUnit.MICROS));
        assertThat(IntervalText.format(Duration.ofMillis(-1500))).isEqualTo("-0:00:01.500000");
    }

    @Example
    void monthsInfinityAndOtherStylesAreRefused() {
        assertThatThrownBy(() -> IntervalText.parse("1 mon")).hasMessageContaining("month has no fixed length");
        assertThatThrownBy(() -> IntervalText.parse("-1 years -2 mons +3 days")).hasMessageContaining("months");
        assertThatThrownBy(() -> IntervalText.parse("infinity")).hasMessageContaining("infinite");
        assertThatThrownBy(() -> IntervalText.parse("-infinity")).hasMessageContaining("infinite");
        for (String other : new String[] {"P1DT2H", "@ 1 day ago", "1 2:03:04", "1 week", "01:02",
                "1:02:03.1234567890"}) {
            assertThatThrownBy(() -> IntervalText.parse(other)).as(other).hasMessageContaining("IntervalStyle");
        }
    }

    @Example
    void fractionsOfAMicrosecondAndTheOutOfRangeAreNotWritten() {
        assertThatThrownBy(() -> IntervalText.format(Duration.ofNanos(1))).hasMessageContaining("truncatedTo");
        assertThatThrownBy(() -> IntervalText.format(Duration.of(Long.MIN_VALUE, ChronoUnit.MICROS)))
                .hasMessageContaining("range");
        assertThatThrownBy(() -> IntervalText.format(Duration.ofSeconds(Long.MAX_VALUE))).hasMessageContaining("range");
        assertThatThrownBy(() -> IntervalText.format(Duration.ofSeconds(Long.MIN_VALUE))).hasMessageContaining("range");
    }

    @Provide
    Arbitrary<Long> micros() {
        return Arbitraries.oneOf(Arbitraries.longs().between(-Long.MAX_VALUE, Long.MAX_VALUE),
                Arbitraries.longs().between(-100_000_000_000L, 100_000_000_000L));
    }
}
