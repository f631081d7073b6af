package dev.pgkeeper.mybatis.internal.copy;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.mybatis.CopyRow;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Encodes rows in COPY's text format (tab between values, newline after a row, {@code \N} for NULL, backslash,
 * tab, newline and carriage return escaped), in UTF-8, pgjdbc's client encoding. Values are encoded straight
 * into one reusable buffer, which is handed to the {@link Sink} whenever it is full and at the end: memory stays
 * at the buffer's size whatever the number of rows, and no value is copied into an intermediate String except
 * the numbers Java formats itself (BigDecimal, BigInteger, Double, Float) and a CharSequence that is not a String.
 *
 * <p>Date-times are formatted here, in PostgreSQL's input syntax as pgjdbc sends parameters (microseconds rounded
 * half up, {@code 24:00:00}, {@code BC}, {@code infinity}), because pgjdbc's own formatter is not public API: the
 * only way to it, {@code BaseConnection.getTimestampUtils()}, is deprecated.
 *
 * <p>A value or row that cannot be written is refused with the error made by the {@code refusal} function from
 * a message naming the row and the column (never the value); after a refusal, or a failure of the sink, every
 * later call throws the same exception, so a row writer that catches it cannot go on. A failure of the sink
 * inside {@link #value} is thrown as a {@link SinkFailure} carrying pgjdbc's exception. Not thread-safe.
 */
public final class CopyTextEncoder implements CopyRow {

    /** Receives the encoded bytes, in order. */
    @FunctionalInterface
    public interface Sink {
        /** Sends {@code bytes[0, length)}. */
        void write(byte[] bytes, int length) throws SQLException;
    }

    /** The sink's exception, thrown through the row writer's code; the load throws the cause. */
    public static final class SinkFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SinkFailure(SQLException cause) {
            super(cause.getMessage(), cause);
        }

        /** What the sink threw. */
        public SQLException sqlException() {
            return (SQLException) getCause();
        }
    }

    /** How much is handed to the sink at once (one CopyData message). */
    static final int CHUNK = 64 * 1024;

    /**
     * The most bytes a value of fixed size needs (a date-time with a 9-digit year is 43): such a value is
     * written after one check of the room left.
     */
    private static final int FIXED_VALUE_ROOM = 64;

    /** The latest time that rounds to below midnight; pgjdbc sends later ones as {@code 24:00:00}. */
    private static final LocalTime LAST_BEFORE_MIDNIGHT = LocalTime.MAX.minusNanos(500);

    private static final byte[] INFINITY = {'i', 'n', 'f', 'i', 'n', 'i', 't', 'y'};

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static final String SUPPORTED = "CharSequence, Integer, Long, Short, Byte, BigInteger, BigDecimal, "
            + "Double, Float, Boolean, UUID, an Enum, LocalDate, LocalTime, LocalDateTime, OffsetTime, "
            + "OffsetDateTime, ZonedDateTime, Instant, byte[]";

    private final byte[] buffer = new byte[CHUNK];
    private int position;
    private final Sink sink;
    private final List<String> columns;
    private final Function<String, DatabaseError> refusal;
    private long row;
    private int column;
    /** The refusal or sink failure that ended the load, thrown again by every later call. */
    private RuntimeException failure;

    /**
     * @param columns the column names, for the count of values per row and the messages
     * @param refusal makes the error for a message naming row and column
     */
    public CopyTextEncoder(List<String> columns, Sink sink, Function<String, DatabaseError> refusal) {
        this.columns = columns;
        this.sink = sink;
        this.refusal = refusal;
    }

    /** Starts the next row; the first is row 1. */
    public void startRow() {
        if (failure != null) {
            throw failure;
        }
        row++;
        column = 0;
    }

    /** Ends the row, which must have one value per column. */
    public void endRow() {
        if (failure != null) {
            throw failure;
        }
        if (column != columns.size()) {
            throw refuse("row " + row + " has " + column + (column == 1 ? " value" : " values") + " for the "
                    + columns.size() + " columns " + columns + ": call value(...) once per column, in column order");
        }
        room(1);
        buffer[position++] = '\n';
    }

    /** Hands what is left in the buffer to the sink. */
    public void finish() {
        if (failure != null) {
            throw failure;
        }
        if (position > 0) {
            send();
        }
    }

    @Override
    public CopyRow value(Object value) {
        if (failure != null || column == columns.size()) {
            throw failure != null ? failure : refuse("row " + row + " has more values than the " + columns.size()
                    + " columns " + columns + ": call value(...) once per column, in column order");
        }
        if (column > 0) {
            room(1);
            buffer[position++] = '\t';
        }
        try {
            write(value);
        } catch (DateTimeException e) {
            throw refuse(where() + ": the " + value.getClass().getSimpleName() + " is outside PostgreSQL's range "
                    + "(4713 BC to 294276 AD): use MAX or MIN for infinity");
        }
        column++;
        return this;
    }

    /** The types in rough order of how often they are loaded; one check each. */
    private void write(Object value) {
        if (value == null) {
            room(2);
            buffer[position++] = '\\';
            buffer[position++] = 'N';
        } else if (value instanceof String s) {
            text(s);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte) {
            integer(((Number) value).longValue());
        } else if (value instanceof BigDecimal d) {
            text(d.toPlainString());
        } else if (value instanceof Double || value instanceof Float || value instanceof BigInteger) {
            text(value.toString()); // NaN, Infinity and -Infinity as PostgreSQL spells them
        } else if (value instanceof Boolean b) {
            room(1);
            buffer[position++] = (byte) (b ? 't' : 'f');
        } else if (value instanceof OffsetDateTime t) {
            offsetDateTime(t);
        } else if (value instanceof Instant t) {
            instant(t);
        } else if (value instanceof LocalDate d) {
            localDate(d);
        } else if (value instanceof LocalDateTime t) {
            localDateTime(t);
        } else if (value instanceof UUID u) {
            uuid(u);
        } else if (value instanceof Enum<?> e) {
            text(e.name());
        } else if (value instanceof CharSequence s) {
            text(s.toString());
        } else if (value instanceof ZonedDateTime t) {
            offsetDateTime(t.toOffsetDateTime()); // PostgreSQL refuses Java's [Zone] suffix
        } else if (value instanceof LocalTime t) {
            localTime(t);
        } else if (value instanceof OffsetTime t) {
            offsetTime(t);
        } else if (value instanceof byte[] bytes) {
            bytea(bytes);
        } else {
            throw refuse(where() + ": copyIn cannot write a " + value.getClass().getName() + "; write it as a "
                    + "String in PostgreSQL's input syntax for the column, or as one of " + SUPPORTED);
        }
    }

    /**
     * {@code text} escaped and in UTF-8, in segments that fit the buffer: each char takes at most 3 bytes
     * (a surrogate pair 4 for 2 chars, an escape 2), and one byte more is kept for a pair that starts at the
     * end of a segment, so the inner loop needs no check of the room.
     */
    private void text(String text) {
        int length = text.length();
        int i = 0;
        while (i < length) {
            int room = (buffer.length - position - 1) / 3;
            if (room < length - i && room < FIXED_VALUE_ROOM) {
                send();
                room = (buffer.length - 1) / 3;
            }
            int end = Math.min(length, i + room);
            byte[] b = buffer;
            int p = position;
            while (i < end) {
                char c = text.charAt(i++);
                if (c < 0x80) {
                    if (c >= 0x20 && c != '\\') {
                        b[p++] = (byte) c;
                    } else {
                        p = control(c, p);
                    }
                } else if (c < 0x800) {
                    b[p++] = (byte) (0xC0 | c >> 6);
                    b[p++] = (byte) (0x80 | c & 0x3F);
                } else if (!Character.isSurrogate(c)) {
                    b[p++] = (byte) (0xE0 | c >> 12);
                    b[p++] = (byte) (0x80 | c >> 6 & 0x3F);
                    b[p++] = (byte) (0x80 | c & 0x3F);
                } else if (Character.isHighSurrogate(c) && i < length && Character.isLowSurrogate(text.charAt(i))) {
                    int cp = Character.toCodePoint(c, text.charAt(i++));
                    b[p++] = (byte) (0xF0 | cp >> 18);
                    b[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
                    b[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
                    b[p++] = (byte) (0x80 | cp & 0x3F);
                } else {
                    throw refuse(where() + ": the text has a lone UTF-16 surrogate at index " + (i - 1) + " (half a "
                            + "character), which UTF-8 cannot encode: fix the code that built the string");
                }
            }
            position = p;
        }
    }

    /** Writes a backslash or an ASCII control character at {@code p}; returns the next position. */
    private int control(char c, int p) {
        byte[] b = buffer;
        switch (c) {
            case '\\' -> {
                b[p++] = '\\';
                b[p++] = '\\';
            }
            case '\t' -> {
                b[p++] = '\\';
                b[p++] = 't';
            }
            case '\n' -> {
                b[p++] = '\\';
                b[p++] = 'n';
            }
            case '\r' -> {
                b[p++] = '\\';
                b[p++] = 'r';
            }
            case '\0' -> throw refuse(where() + ": the text has a NUL character (U+0000), which PostgreSQL's text "
                    + "types cannot store: remove it, or store the data as bytea (a byte[])");
            default -> b[p++] = (byte) c; // other control characters mean nothing to COPY
        }
        return p;
    }

    private void integer(long value) {
        room(20);
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                text(Long.toString(value));
                return;
            }
            buffer[position++] = '-';
            value = -value;
        }
        int digits = 1;
        for (long limit = 10; digits < 19 && value >= limit; limit *= 10) {
            digits++;
        }
        int p = position + digits;
        position = p;
        do {
            buffer[--p] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value != 0);
    }

    private void localDate(LocalDate date) {
        if (infinity(date.equals(LocalDate.MAX), date.equals(LocalDate.MIN))) {
            return;
        }
        room(FIXED_VALUE_ROOM);
        date(date);
        era(date.getYear());
    }

    private void localDateTime(LocalDateTime time) {
        if (infinity(time.equals(LocalDateTime.MAX), time.equals(LocalDateTime.MIN))) {
            return;
        }
        dateTime(time, false);
    }

    private void offsetDateTime(OffsetDateTime time) {
        if (infinity(time.equals(OffsetDateTime.MAX), time.equals(OffsetDateTime.MIN))) {
            return;
        }
        // At UTC, as the postgresTypes() handlers write it: the same instant, and PostgreSQL refuses offsets
        // beyond ±15:59:59, which Java allows up to ±18:00.
        dateTime(time.getOffset() == ZoneOffset.UTC ? time.toLocalDateTime()
                : time.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime(), true);
    }

    private void instant(Instant instant) {
        if (infinity(instant.equals(Instant.MAX), instant.equals(Instant.MIN))) {
            return;
        }
        dateTime(LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC), true);
    }

    /** {@code yyyy-mm-dd hh:mm:ss[.ffffff][+00][ BC]}, rounded to microseconds. */
    private void dateTime(LocalDateTime time, boolean utc) {
        if (time.getNano() % 1000 >= 500) {
            time = time.plusNanos(500); // then truncated to microseconds: rounds half up, as pgjdbc does
        }
        room(FIXED_VALUE_ROOM);
        LocalDate date = time.toLocalDate();
        date(date);
        buffer[position++] = ' ';
        time(time.getHour(), time.getMinute(), time.getSecond(), time.getNano());
        if (utc) {
            buffer[position++] = '+';
            buffer[position++] = '0';
            buffer[position++] = '0';
        }
        era(date.getYear());
    }

    private void localTime(LocalTime time) {
        room(FIXED_VALUE_ROOM);
        clock(time);
    }

    private void offsetTime(OffsetTime time) {
        room(FIXED_VALUE_ROOM);
        clock(time.toLocalTime());
        int seconds = time.getOffset().getTotalSeconds();
        int abs = Math.abs(seconds);
        buffer[position++] = (byte) (seconds < 0 ? '-' : '+');
        two(abs / 3600);
        if (abs % 3600 != 0) {
            buffer[position++] = ':';
            two(abs / 60 % 60);
            if (abs % 60 != 0) {
                buffer[position++] = ':';
                two(abs % 60);
            }
        }
    }

    /** A time of day rounded to microseconds; what rounds up to midnight is {@code 24:00:00}, as in pgjdbc. */
    private void clock(LocalTime time) {
        if (time.isAfter(LAST_BEFORE_MIDNIGHT)) {
            time(24, 0, 0, 0);
            return;
        }
        if (time.getNano() % 1000 >= 500) {
            time = time.plusNanos(500);
        }
        time(time.getHour(), time.getMinute(), time.getSecond(), time.getNano());
    }

    /** Writes {@code infinity} or {@code -infinity} when one of them is true; returns whether it did. */
    private boolean infinity(boolean max, boolean min) {
        if (!max && !min) {
            return false;
        }
        room(9);
        if (min) {
            buffer[position++] = '-';
        }
        for (byte c : INFINITY) {
            buffer[position++] = c;
        }
        return true;
    }

    /** {@code yyyy-mm-dd} with the year of the era, at least 4 digits; the caller has made room. */
    private void date(LocalDate date) {
        int year = date.getYear();
        int ofEra = year > 0 ? year : 1 - year;
        if (ofEra < 10_000) {
            two(ofEra / 100);
            two(ofEra % 100);
        } else {
            integer(ofEra);
        }
        buffer[position++] = '-';
        two(date.getMonthValue());
        buffer[position++] = '-';
        two(date.getDayOfMonth());
    }

    private void era(int year) {
        if (year <= 0) {
            buffer[position++] = ' ';
            buffer[position++] = 'B';
            buffer[position++] = 'C';
        }
    }

    /** {@code hh:mm:ss} and the microseconds of {@code nano}, without trailing zeros; room made by the caller. */
    private void time(int hour, int minute, int second, int nano) {
        two(hour);
        buffer[position++] = ':';
        two(minute);
        buffer[position++] = ':';
        two(second);
        int micros = nano / 1000;
        if (micros != 0) {
            buffer[position++] = '.';
            for (int unit = 100_000; micros != 0; unit /= 10) {
                buffer[position++] = (byte) ('0' + micros / unit);
                micros %= unit;
            }
        }
    }

    private void two(int value) {
        buffer[position++] = (byte) ('0' + value / 10);
        buffer[position++] = (byte) ('0' + value % 10);
    }

    private void uuid(UUID uuid) {
        room(36);
        long high = uuid.getMostSignificantBits();
        long low = uuid.getLeastSignificantBits();
        hex(high >>> 32, 8);
        buffer[position++] = '-';
        hex(high >>> 16, 4);
        buffer[position++] = '-';
        hex(high, 4);
        buffer[position++] = '-';
        hex(low >>> 48, 4);
        buffer[position++] = '-';
        hex(low, 12);
    }

    /** The low {@code digits} hex digits of {@code value}. */
    private void hex(long value, int digits) {
        for (int k = digits - 1; k >= 0; k--) {
            buffer[position + k] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
        position += digits;
    }

    /** bytea's hex format, {@code \x0a1b}; its backslash escaped for COPY. */
    private void bytea(byte[] bytes) {
        room(3);
        buffer[position++] = '\\';
        buffer[position++] = '\\';
        buffer[position++] = 'x';
        int i = 0;
        while (i < bytes.length) {
            if (buffer.length - position < 2) {
                send();
            }
            int end = Math.min(bytes.length, i + (buffer.length - position) / 2);
            byte[] b = buffer;
            int p = position;
            for (; i < end; i++) {
                b[p++] = HEX[bytes[i] >> 4 & 0xF];
                b[p++] = HEX[bytes[i] & 0xF];
            }
            position = p;
        }
    }

    /** Sends the buffer first if fewer than {@code bytes} are free. */
    private void room(int bytes) {
        if (buffer.length - position < bytes) {
            send();
        }
    }

    private void send() {
        try {
            sink.write(buffer, position);
        } catch (SQLException e) {
            failure = new SinkFailure(e);
            throw failure;
        }
        position = 0;
    }

    private String where() {
        return "row " + row + ", column " + columns.get(column);
    }

    private DatabaseError refuse(String message) {
        DatabaseError error = refusal.apply(message);
        failure = error;
        return error;
    }
}
