package dev.pgkeeper.mybatis.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
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
 * {@code java.time} ↔ PostgreSQL's date and time types through a mapper built with {@code postgresTypes()}:
 * MyBatis's own LocalDate and LocalTime handlers (kept) and pgkeeper's LocalDateTime, OffsetDateTime, Instant
 * and ZonedDateTime handlers, over each type's whole range (4713 BC to 5874897 AD for date, to 294276 AD for the
 * timestamps), to the microsecond, with ±infinity where a Java value stands for it.
 */
class JavaTimeProperties {

    private static final List<ZoneId> ZONES = ZoneId.getAvailableZoneIds().stream().sorted().map(ZoneId::of).toList();

    private static TypesDatabase db;

    @BeforeContainer
    static void start() throws SQLException {
        db = TypesDatabase.start("JavaTimeProperties");
    }

    @AfterContainer
    static void stop() {
        db.close();
    }

    @Property(tries = 100)
    @Label("LocalDate <-> date (MyBatis's handler), BC and ±infinity included")
    void localDates(@ForAll("dates") LocalDate value) {
        assertThat(db.roundTrip(v -> v.localDate = value).localDate).isEqualTo(value);
        db.assertNothingLeaked();
    }

    @Property(tries = 100)
    @Label("a date column read into a LocalDateTime property is midnight of that day")
    void datesReadAsLocalDateTime(@ForAll("dates") LocalDate value) {
        long id = db.roundTrip(v -> v.localDate = value).id;
        LocalDateTime expected = value == null ? null : value.equals(LocalDate.MAX) ? LocalDateTime.MAX
                : value.equals(LocalDate.MIN) ? LocalDateTime.MIN : value.atStartOfDay();
        assertThat(db.mapper.findDateAsLocalDateTime(id).localDateTime).isEqualTo(expected);
        db.assertNothingLeaked();
    }

    @Property(tries = 100)
    @Label("LocalTime <-> time (MyBatis's handler), 00:00 to LocalTime.MAX (24:00:00)")
    void localTimes(@ForAll("times") LocalTime value) {
        assertThat(db.roundTrip(v -> v.localTime = value).localTime).isEqualTo(value);
        db.assertNothingLeaked();
    }

    @Property(tries = 100)
    @Label("LocalDateTime <-> timestamp, BC and ±infinity included")
    void localDateTimes(@ForAll("localDateTimes") LocalDateTime value) {
        assertThat(db.roundTrip(v -> v.localDateTime = value).localDateTime).isEqualTo(value);
        db.assertNothingLeaked();
    }

    @Property(tries = 100)
    @Label("OffsetDateTime <-> timestamptz, any offset Java allows: the same instant, read at UTC")
    void offsetDateTimes(@ForAll("instants") Instant instant, @ForAll("offsets") ZoneOffset offset) {
        OffsetDateTime value = instant == null ? null : instant.atOffset(offset);
        OffsetDateTime read = db.roundTrip(v -> v.offsetDateTime = value).offsetDateTime;
        if (value == null) {
            assertThat(read).isNull();
        } else {
            assertThat(read).isEqualTo(instant.atOffset(ZoneOffset.UTC));
        }
        db.assertNothingLeaked();
    }

    @Property(tries = 100)
    @Label("Instant <-> timestamptz, BC included, Instant.MAX/MIN as ±infinity")
    void instants(@ForAll("instantsAndInfinity") Instant value) {
        assertThat(db.roundTrip(v -> v.instant = value).instant).isEqualTo(value);
        db.assertNothingLeaked();
    }

    @Property(tries = 100)
    @Label("ZonedDateTime <-> timestamptz: the same instant, read at UTC")
    void zonedDateTimes(@ForAll("instants") Instant instant, @ForAll("zones") ZoneId zone) {
        ZonedDateTime value = instant == null ? null : instant.atZone(zone);
        ZonedDateTime read = db.roundTrip(v -> v.zonedDateTime = value).zonedDateTime;
        assertThat(read).isEqualTo(instant == null ? null : instant.atZone(ZoneOffset.UTC));
        db.assertNothingLeaked();
    }

    @Provide
    Arbitrary<LocalDate> dates() {
        return TypeArbitraries.dates().injectNull(0.05);
    }

    @Provide
    Arbitrary<LocalTime> times() {
        return Arbitraries.frequencyOf(
                        Tuple.of(8, Arbitraries.longs().between(0, 86_400_000_000L - 1)
                                .map(micros -> LocalTime.ofNanoOfDay(micros * 1000))),
                        Tuple.of(1, Arbitraries.of(LocalTime.MIDNIGHT, LocalTime.NOON, LocalTime.MAX,
                                LocalTime.of(23, 59, 59, 999_999_000))))
                .injectNull(0.05);
    }

    @Provide
    Arbitrary<LocalDateTime> localDateTimes() {
        return Arbitraries.frequencyOf(
                        Tuple.of(8, TypeArbitraries.instants().map(i -> LocalDateTime.ofInstant(i, ZoneOffset.UTC))),
                        Tuple.of(1, Arbitraries.of(LocalDateTime.MAX, LocalDateTime.MIN,
                                TypeArbitraries.FIRST_DATE.atStartOfDay(), TypeArbitraries.LAST_TIMESTAMP)))
                .injectNull(0.05);
    }

    @Provide
    Arbitrary<Instant> instants() {
        return TypeArbitraries.instants().injectNull(0.05);
    }

    @Provide
    Arbitrary<Instant> instantsAndInfinity() {
        return Arbitraries.frequencyOf(Tuple.of(10, TypeArbitraries.instants()),
                Tuple.of(1, Arbitraries.of(Instant.MAX, Instant.MIN))).injectNull(0.05);
    }

    @Provide
    Arbitrary<ZoneOffset> offsets() {
        return Arbitraries.integers().between(-18 * 3600, 18 * 3600).map(ZoneOffset::ofTotalSeconds);
    }

    @Provide
    Arbitrary<ZoneId> zones() {
        return Arbitraries.of(ZONES);
    }
}
