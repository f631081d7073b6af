package dev.pgkeeper.mybatis;

/**
 * One row of a {@link MyBatisClient#copyIn bulk load}: a {@link CopyRowWriter} calls {@link #value} once per
 * column, in the order of the columns given to {@code copyIn}. Each value is encoded at once into COPY's text
 * format, so nothing of it is kept.
 *
 * <p>Supported values, and what they become:
 * <ul>
 *   <li>{@code null}: SQL NULL;</li>
 *   <li>{@link CharSequence}: its text, as it is (tabs, newlines, backslashes and {@code \N} included); a NUL
 *       character (U+0000), which PostgreSQL's text types cannot store, or a lone UTF-16 surrogate is refused;</li>
 *   <li>{@link Integer}, {@link Long}, {@link Short}, {@link Byte}, {@link java.math.BigInteger}: the number;
 *       {@link java.math.BigDecimal}: its {@code toPlainString()}; {@link Double}, {@link Float}: the number,
 *       {@code NaN}, {@code Infinity} or {@code -Infinity};</li>
 *   <li>{@link Boolean}: {@code t} or {@code f}; {@link java.util.UUID}: its text; an {@link Enum}: its
 *       {@code name()} (for a PostgreSQL enum or a text column);</li>
 *   <li>{@link java.time.LocalDate}, {@link java.time.LocalTime}, {@link java.time.LocalDateTime},
 *       {@link java.time.OffsetTime} (with its offset): PostgreSQL's ISO text, years before 1 AD as BC;
 *       {@link java.time.OffsetDateTime}, {@link java.time.ZonedDateTime} and {@link java.time.Instant}: the
 *       instant at UTC, for a {@code timestamptz} column (as {@code postgresTypes()} writes them). The
 *       {@code MAX} and {@code MIN} of {@code LocalDate}, {@code LocalDateTime}, {@code OffsetDateTime} and
 *       {@code Instant} are {@code infinity} and {@code -infinity}. Nanoseconds are rounded to microseconds,
 *       half up, as pgjdbc does;</li>
 *   <li>{@code byte[]}: a {@code bytea} in hex.</li>
 * </ul>
 * Anything else is refused: write it as a {@code String} in PostgreSQL's input syntax for the column.
 *
 * <p>A refused value, or a row with fewer or more values than columns, fails the whole load with a
 * {@link dev.pgkeeper.DatabaseError} of code {@link dev.pgkeeper.ErrorCode#DATA_ERROR} whose message names the
 * row (1 for the first) and the column, never the value. Valid only inside the {@link CopyRowWriter#write} call
 * it is given to. Not thread-safe.
 */
public interface CopyRow {

    /**
     * Writes the value of the next column.
     *
     * @param value the value, of a supported type, or {@code null}
     * @return this row, for the next column's value
     * @throws dev.pgkeeper.DatabaseError {@link dev.pgkeeper.ErrorCode#DATA_ERROR} for a value of an unsupported
     *                                    type, text that cannot be stored, or a value beyond the last column
     */
    CopyRow value(Object value);
}
