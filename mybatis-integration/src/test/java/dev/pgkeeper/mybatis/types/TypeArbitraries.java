package dev.pgkeeper.mybatis.types;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Values for the type properties, edge cases first in mind: what PostgreSQL's types can hold, to their limits. */
final class TypeArbitraries {

    /** 4713-01-01 BC, the first day of PostgreSQL's date and timestamp. */
    static final LocalDate FIRST_DATE = LocalDate.of(-4712, 1, 1);
    /** 5874897-12-31, the last day of PostgreSQL's date. */
    static final LocalDate LAST_DATE = LocalDate.of(5874897, 12, 31);
    /** 294276-12-31 23:59:59.999999, the last microsecond of PostgreSQL's timestamp. */
    static final LocalDateTime LAST_TIMESTAMP = LocalDateTime.of(294276, 12, 31, 23, 59, 59, 999_999_000);

    private TypeArbitraries() {
    }

    /**
     * Unicode text without NUL (which PostgreSQL's text cannot hold) and without unpaired surrogates (which UTF-8
     * cannot): often the characters arrays and JSON quote or escape, sometimes other scripts and emoji.
     */
    static Arbitrary<String> text() {
        Arbitrary<Integer> codePoints = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.of((int) '"', (int) '\\', (int) ',', (int) '{', (int) '}', (int) ' ',
                        (int) '\'', (int) '\t', (int) '\n', (int) '[', (int) ']', (int) ':')),
                Tuple.of(5, Arbitraries.integers().between(0x20, 0x7e)),
                Tuple.of(1, Arbitraries.integers().between(0x01, 0x1f)),
                Tuple.of(2, Arbitraries.integers().between(0x80, 0xd7ff)),
                Tuple.of(1, Arbitraries.integers().between(0xe000, 0xfffd)),
                Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10ffff)));
        Arbitrary<String> random = codePoints.list().ofMaxSize(12).map(cps -> {
            StringBuilder s = new StringBuilder();
            cps.forEach(s::appendCodePoint);
            return s.toString();
        });
        return Arbitraries.oneOf(random, Arbitraries.of("", " ", "NULL", "null", "\"", "\\", "{}", "a,b", "{\"a\"}",
                "ÉLAN 🎉"));
    }

    /** Dates over PostgreSQL's whole range, with the calendar's and era's edges, and ±infinity as pgjdbc maps it. */
    static Arbitrary<LocalDate> dates() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.longs().between(FIRST_DATE.toEpochDay(), LAST_DATE.toEpochDay())
                        .map(LocalDate::ofEpochDay)),
                Tuple.of(3, Arbitraries.longs().between(LocalDate.of(-100, 1, 1).toEpochDay(),
                        LocalDate.of(3000, 1, 1).toEpochDay()).map(LocalDate::ofEpochDay)),
                Tuple.of(2, Arbitraries.of(FIRST_DATE, LAST_DATE, LocalDate.of(0, 12, 31), LocalDate.of(1, 1, 1),
                        LocalDate.of(1582, 10, 4), LocalDate.of(1582, 10, 15), LocalDate.of(1970, 1, 1),
                        LocalDate.of(2000, 2, 29), LocalDate.of(9999, 12, 31), LocalDate.of(10000, 1, 1),
                        LocalDate.MAX, LocalDate.MIN)));
    }

    /**
     * Instants, to the microsecond, over timestamptz's range (4713 BC to 294276 AD, at UTC), counted as PostgreSQL
     * counts them: in microseconds from 2000-01-01 (from 1970, 294276 AD would not fit a long).
     */
    static Arbitrary<Instant> instants() {
        Instant epoch = Instant.parse("2000-01-01T00:00:00Z");
        long first = micros(epoch, FIRST_DATE.atStartOfDay().toInstant(ZoneOffset.UTC));
        long last = micros(epoch, LAST_TIMESTAMP.toInstant(ZoneOffset.UTC));
        long century = 100L * 366 * 86_400_000_000L;
        return Arbitraries.frequencyOf(
                        Tuple.of(4, Arbitraries.longs().between(first, last)),
                        Tuple.of(4, Arbitraries.longs().between(-century, century)),
                        Tuple.of(1, Arbitraries.of(first, last, 0L, -1L, 1L)))
                .map(micros -> epoch.plus(micros, ChronoUnit.MICROS));
    }

    /** Microseconds from {@code from} to {@code to} (ChronoUnit.MICROS.between counts nanoseconds, and overflows). */
    private static long micros(Instant from, Instant to) {
        return (to.getEpochSecond() - from.getEpochSecond()) * 1_000_000 + (to.getNano() - from.getNano()) / 1000;
    }

    /** Numbers of up to 40 digits with 0 to 20 decimals, as numeric keeps them (scale included). */
    static Arbitrary<BigDecimal> decimals() {
        BigInteger limit = BigInteger.TEN.pow(40);
        return Combinators.combine(
                        Arbitraries.bigIntegers().between(limit.negate(), limit),
                        Arbitraries.integers().between(0, 20))
                .as(BigDecimal::new);
    }
}
