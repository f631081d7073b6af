package dev.pgkeeper.mybatis.internal.types;

import java.time.Duration;
import java.util.Locale;

/**
 * A {@link Duration} as PostgreSQL's {@code interval} text, and back. Written as a pure time interval,
 * {@code [-]H:MM:SS.ffffff}, hours unbounded: no days or months, so the server stores exactly the
 * microseconds given. Read from the default output style ({@code IntervalStyle = postgres}, e.g.
 * {@code 3 days -04:05:06.5}), a day counting as 24 hours. Stateless.
 */
final class IntervalText {

    private static final long MICROS_PER_SECOND = 1_000_000L;
    private static final long MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
    private static final long MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;

    private IntervalText() {
    }

    /**
     * The interval text of {@code duration}.
     *
     * @throws IllegalArgumentException when the duration has a fraction of a microsecond, or does not fit an
     *                                  interval's 64-bit count of microseconds; the message completes "The
     *                                  Duration ... "
     */
    static String format(Duration duration) {
        long seconds = duration.getSeconds();
        int nanos = duration.getNano();
        if (nanos % 1000 != 0) {
            throw new IllegalArgumentException("has nanoseconds below a microsecond, which an interval cannot hold: "
                    + "pass duration.truncatedTo(ChronoUnit.MICROS)");
        }
        long micros;
        try {
            // A negative Duration is negative seconds plus positive nanoseconds: borrow a second first, so that
            // the product cannot overflow for a sum that fits.
            long borrowed = seconds < 0 && nanos > 0 ? 1 : 0;
            micros = Math.addExact(Math.multiplyExact(seconds + borrowed, MICROS_PER_SECOND),
                    nanos / 1000 - borrowed * MICROS_PER_SECOND);
        } catch (ArithmeticException e) {
            micros = Long.MIN_VALUE;
        }
        if (micros == Long.MIN_VALUE) {
            // Long.MIN_VALUE itself is excluded: PostgreSQL prints it, but cannot read it back.
            throw new IllegalArgumentException("is beyond an interval's range of ±2562047788:00:54.775807 "
                    + "(about 292,000 years)");
        }
        long abs = Math.abs(micros);
        return String.format(Locale.ROOT, "%s%d:%02d:%02d.%06d", micros < 0 ? "-" : "", abs / MICROS_PER_HOUR,
                abs % MICROS_PER_HOUR / MICROS_PER_MINUTE, abs % MICROS_PER_MINUTE / MICROS_PER_SECOND,
                abs % MICROS_PER_SECOND);
    }

    /**
     * The Duration of interval text in the {@code postgres} style.
     *
     * @throws IllegalArgumentException when the interval has months or years, is infinite, or is not in that
     *                                  style; the message completes "... holds interval '...', which "
     */
    static Duration parse(String text) {
        String[] tokens = text.strip().split(" +");
        if (tokens.length == 1 && tokens[0].endsWith("infinity")) {
            throw new IllegalArgumentException("is infinite, which a Duration cannot hold: keep infinity out in the "
                    + "SQL, or read it as String");
        }
        Duration total = Duration.ZERO;
        long months = 0;
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            if (token.indexOf(':') >= 0) {
                total = total.plus(time(token));
                continue;
            }
            if (i + 1 == tokens.length) {
                throw unexpected();
            }
            long count = number(token);
            String unit = tokens[++i];
            switch (unit) {
                case "year", "years" -> months += count * 12;
                case "mon", "mons" -> months += count;
                case "day", "days" -> total = total.plusDays(count);
                default -> throw unexpected();
            }
        }
        if (months != 0) {
            throw new IllegalArgumentException("has months or years, and a month has no fixed length, so it cannot "
                    + "be a Duration: read it as String or org.postgresql.util.PGInterval, or convert it in the SQL "
                    + "(justify_interval, or extract(epoch from ...))");
        }
        return total;
    }

    /** {@code [+-]H:MM:SS[.ffffff]}, the sign applying to the whole time. */
    private static Duration time(String token) {
        boolean negative = token.startsWith("-");
        String unsigned = negative || token.startsWith("+") ? token.substring(1) : token;
        String[] parts = unsigned.split(":", -1);
        if (parts.length != 3) {
            throw unexpected();
        }
        String secondsPart = parts[2];
        int dot = secondsPart.indexOf('.');
        String fraction = dot < 0 ? "" : secondsPart.substring(dot + 1);
        if (fraction.length() > 9 || !fraction.chars().allMatch(Character::isDigit)) {
            throw unexpected();
        }
        Duration time = Duration.ofHours(number(parts[0]))
                .plusMinutes(number(parts[1]))
                .plusSeconds(number(dot < 0 ? secondsPart : secondsPart.substring(0, dot)))
                .plusNanos(fraction.isEmpty() ? 0 : Long.parseLong((fraction + "00000000").substring(0, 9)));
        return negative ? time.negated() : time;
    }

    private static long number(String token) {
        try {
            return Long.parseLong(token);
        } catch (NumberFormatException e) {
            throw unexpected();
        }
    }

    private static IllegalArgumentException unexpected() {
        return new IllegalArgumentException("is not in the form pgkeeper reads: set IntervalStyle to postgres, "
                + "the default, for the session");
    }
}
