package dev.pgkeeper.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.mybatis.fixtures.Fixture;
import dev.pgkeeper.mybatis.fixtures.User;
import dev.pgkeeper.mybatis.fixtures.UserMapper;
import dev.pgkeeper.mybatis.internal.TransactionRunner;
import dev.pgkeeper.mybatis.types.Mood;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.PostgresExtension;
import dev.pgkeeper.testing.TestDatabase;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link MyBatisClient#copyIn}: what each Java type becomes, what is refused and how, all-or-nothing inside and
 * outside a transaction, and names that cannot inject SQL. {@link CopyInProperties} round-trips arbitrary text.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CopyInIT {

    private static final String SCHEMA = """
            CREATE TABLE copy_text (idx int PRIMARY KEY, a text, b text);
            CREATE TABLE copy_one (n serial, t text);
            CREATE TABLE copy_typed (
                id int PRIMARY KEY, t text, i4 int4, i8 int8, i2 int2, i1 int2, big numeric, dec numeric,
                d float8, f float4, b bool, u uuid, e text, ld date, lt time, ldt timestamp, odt timestamptz,
                ot timetz, inst timestamptz, zdt timestamptz, bytes bytea, sb text);
            CREATE SCHEMA audit;
            CREATE TABLE audit."Events" ("Kind" text NOT NULL, n int);
            """;

    private static final List<String> TYPED_COLUMNS = List.of("id", "t", "i4", "i8", "i2", "i1", "big", "dec", "d",
            "f", "b", "u", "e", "ld", "lt", "ldt", "odt", "ot", "inst", "zdt", "bytes", "sb");

    private Fixture fx;

    @BeforeAll
    void start(TestDatabase db) throws SQLException {
        fx = Fixture.start(db);
        Jdbc.execute(fx.manager.dataSource(), SCHEMA);
    }

    @BeforeEach
    void clear() throws SQLException {
        fx.clear();
        Jdbc.execute(fx.manager.dataSource(), "TRUNCATE copy_text, copy_one, copy_typed, audit.\"Events\"");
    }

    @AfterEach
    void nothingLeaked() throws SQLException {
        fx.assertNothingLeaked();
        assertThat(Jdbc.queryLong(fx.manager.dataSource(), "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                + "current_database() AND state LIKE 'idle in transaction%'"))
                .as("connections left in a transaction").isZero();
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    // ------------------------------------------------------------------------------------------- what is written

    @Test
    void eachSupportedTypeIsStoredAsPostgreSqlReadsIt() throws SQLException {
        byte[] bytes = {0, (byte) 0xff, '\\', '\t', '\n'};
        List<Object[]> rows = List.of(
                new Object[] {1, "", Integer.MIN_VALUE, Long.MIN_VALUE, Short.MIN_VALUE, Byte.MIN_VALUE,
                        new BigInteger("-123456789012345678901234567890"), new BigDecimal("1E+3"), Double.NaN,
                        Float.NEGATIVE_INFINITY, false, new UUID(0, 0), Mood.neutral, LocalDate.MIN,
                        LocalTime.MIDNIGHT, LocalDateTime.MIN, OffsetDateTime.MIN,
                        OffsetTime.of(10, 0, 0, 0, ZoneOffset.ofHoursMinutes(-3, -30)), Instant.MIN,
                        ZonedDateTime.of(2024, 7, 1, 12, 0, 0, 0, ZoneId.of("Europe/Paris")), new byte[0],
                        new StringBuilder("built")},
                new Object[] {2, "tab\there", Integer.MAX_VALUE, Long.MAX_VALUE, Short.MAX_VALUE, Byte.MAX_VALUE,
                        new BigInteger("123456789012345678901234567890"), new BigDecimal("-0.000000000000000000001234"),
                        Double.POSITIVE_INFINITY, Float.NaN, true, new UUID(-1, -1), Mood.ÉLAN, LocalDate.MAX,
                        LocalTime.MAX, LocalDateTime.MAX, OffsetDateTime.MAX,
                        OffsetTime.of(23, 59, 59, 999_999_000, ZoneOffset.ofHours(14)), Instant.MAX,
                        ZonedDateTime.of(2024, 1, 15, 8, 0, 0, 0, ZoneId.of("America/New_York")), bytes, "x"},
                new Object[] {3, "\\N", 0, -1L, (short) 0, (byte) -1, BigInteger.ZERO, new BigDecimal("12.3400"),
                        Double.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, true,
                        UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), Mood.HAPPY, LocalDate.of(-43, 3, 15),
                        LocalTime.of(1, 2, 3, 500), LocalDateTime.of(-43, 3, 15, 12, 0),
                        OffsetDateTime.of(2024, 1, 1, 0, 30, 0, 0, ZoneOffset.ofHours(18)),
                        OffsetTime.of(1, 2, 3, 499, ZoneOffset.ofHoursMinutesSeconds(5, 30, 15)),
                        Instant.parse("1970-01-01T00:00:00.000001Z"),
                        ZonedDateTime.of(0, 12, 31, 23, 59, 59, 999_999_000, ZoneOffset.UTC), new byte[] {1}, "y"},
                new Object[] {4, "🦆 ünïcödé", 42, 42L, (short) 42, (byte) 42, BigInteger.TEN.pow(40),
                        new BigDecimal("123456789.000000001"), 0.1, 1.1f, false,
                        UUID.fromString("00000000-0000-0001-0000-000000000001"), Mood.SAD, LocalDate.of(200_000, 1, 1),
                        LocalTime.of(23, 59, 59, 999_999_000), LocalDateTime.of(2024, 2, 29, 23, 59, 59, 999_999_500),
                        OffsetDateTime.of(-4712, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
                        OffsetTime.of(LocalTime.NOON, ZoneOffset.UTC), Instant.parse("2024-06-01T12:34:56.789012345Z"),
                        ZonedDateTime.of(294_276, 12, 31, 23, 59, 59, 0, ZoneOffset.UTC),
                        "é".getBytes(StandardCharsets.UTF_8), "z"},
                nulls(5));

        long inserted = fx.client.copyIn("copy_typed", TYPED_COLUMNS, rows, (values, row) -> {
            for (Object value : values) {
                row.value(value);
            }
        });

        assertThat(inserted).isEqualTo(5);
        List<List<String>> stored = texts("SELECT " + String.join(", ", TYPED_COLUMNS.stream()
                .map(c -> c + "::text").toList()) + " FROM copy_typed ORDER BY id");
        assertThat(stored.get(0)).containsExactly("1", "", "-2147483648", "-9223372036854775808", "-32768", "-128",
                "-123456789012345678901234567890", "1000", "NaN", "-Infinity", "false",
                "00000000-0000-0000-0000-000000000000", "neutral", "-infinity", "00:00:00", "-infinity", "-infinity",
                "10:00:00-03:30", "-infinity", "2024-07-01 10:00:00+00", "\\x", "built");
        assertThat(stored.get(1)).containsExactly("2", "tab\there", "2147483647", "9223372036854775807", "32767", "127",
                "123456789012345678901234567890", "-0.000000000000000000001234", "Infinity", "NaN", "true",
                "ffffffff-ffff-ffff-ffff-ffffffffffff", "ÉLAN", "infinity", "24:00:00", "infinity", "infinity",
                "23:59:59.999999+14", "infinity", "2024-01-15 13:00:00+00", "\\x00ff5c090a", "x");
        assertThat(stored.get(2)).containsExactly("3", "\\N", "0", "-1", "0", "-1", "0", "12.3400", "-Infinity",
                "Infinity", "true", "123e4567-e89b-12d3-a456-426614174000", "HAPPY", "0044-03-15 BC",
                "01:02:03.000001", "0044-03-15 12:00:00 BC", "2023-12-31 06:30:00+00", "01:02:03+05:30:15",
                "1970-01-01 00:00:00.000001+00", "0001-12-31 23:59:59.999999+00 BC", "\\x01", "y");
        assertThat(stored.get(3)).containsExactly("4", "🦆 ünïcödé", "42", "42", "42", "42",
                "10000000000000000000000000000000000000000", "123456789.000000001", "0.1", "1.1", "false",
                "00000000-0000-0001-0000-000000000001", "SAD", "200000-01-01", "23:59:59.999999",
                "2024-03-01 00:00:00", "4713-01-01 00:00:00+00 BC", "12:00:00+00", "2024-06-01 12:34:56.789012+00",
                "294276-12-31 23:59:59+00", "\\xc3a9", "z");
        assertThat(stored.get(4)).containsExactlyElementsOf(nullRow(5, TYPED_COLUMNS.size()));
    }

    @Test
    void minusZeroAndFloatsRoundTripExactly() throws SQLException {
        List<Object[]> rows = List.of(new Object[] {1, -0.0, -0.0f},
                new Object[] {2, Double.MIN_VALUE, Float.MIN_VALUE},
                new Object[] {3, Double.MAX_VALUE, Float.MAX_VALUE}, new Object[] {4, 1e-300, 3.4e-38f});

        fx.client.copyIn("copy_typed", List.of("id", "d", "f"), rows, (values, row) -> {
            for (Object value : values) {
                row.value(value);
            }
        });

        try (Connection c = fx.manager.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT d, f FROM copy_typed ORDER BY id")) {
            for (Object[] expected : rows) {
                assertThat(rs.next()).isTrue();
                assertThat(Double.doubleToRawLongBits(rs.getDouble(1)))
                        .isEqualTo(Double.doubleToRawLongBits((Double) expected[1]));
                assertThat(Float.floatToRawIntBits(rs.getFloat(2)))
                        .isEqualTo(Float.floatToRawIntBits((Float) expected[2]));
            }
        }
    }

    @Test
    void oneColumnRowsThatLookLikeMarkersStayText() throws SQLException {
        List<String> values = Arrays.asList("", "\\.", "\\N", null, "\\", ".", "\r\n", "\\\\.");

        long inserted = fx.client.copyIn("copy_one", List.of("t"), values, (v, row) -> row.value(v));

        assertThat(inserted).isEqualTo(values.size());

        assertThat(texts("SELECT t FROM copy_one ORDER BY n").stream().map(r -> r.get(0)).toList())
                .containsExactlyElementsOf(values);
    }

    @Test
    void manyRowsAreStreamedInChunksAndCounted() throws SQLException {
        int n = 100_000;
        // Multi-byte characters land on the 64 KiB chunk boundaries at shifting offsets.
        List<Integer> rows = IntStream.range(0, n).boxed().toList();

        long inserted = fx.client.copyIn("copy_text", List.of("idx", "a", "b"), rows,
                (i, row) -> row.value(i).value("🦆é" + i).value(i % 7 == 0 ? null : "\\t\t" + i));

        assertThat(inserted).isEqualTo(n);
        assertThat(Jdbc.queryLong(fx.manager.dataSource(), "SELECT count(*) FROM copy_text WHERE a = '🦆é' || idx "
                + "AND (b IS NULL) = (idx % 7 = 0) AND (b IS NULL OR b = E'\\\\t\\t' || idx)")).isEqualTo(n);
    }

    @Test
    void noRowsInsertNothing() throws SQLException {
        assertThat(fx.client.copyIn("copy_text", List.of("idx"), List.<Integer>of(), (i, row) -> row.value(i)))
                .isZero();
        assertThat(count("copy_text")).isZero();
    }

    // ------------------------------------------------------------------------------------------- what is refused

    @Test
    void aNulCharacterIsADataErrorNamingRowAndColumnNotTheValue() throws SQLException {
        DatabaseError e = refusedLoad(List.of("fine", "fine too", "secret\0value"));

        assertThat(e.code()).isEqualTo(ErrorCode.DATA_ERROR);
        assertThat(e.getMessage()).contains("row 3, column b", "NUL", "copyIn copy_text").doesNotContain("secret");
        assertThat(e.context()).containsEntry("statement", "copyIn copy_text");
        assertThat(count("copy_text")).isZero();
    }

    @Test
    void aLoneSurrogateIsADataErrorNamingRowAndColumnNotTheValue() throws SQLException {
        for (String broken : List.of("secret\uD83D", "secret\uDE00value", "\uDE00\uD83Dsecret")) {
            DatabaseError e = refusedLoad(List.of("fine", broken));

            assertThat(e.code()).isEqualTo(ErrorCode.DATA_ERROR);
            assertThat(e.getMessage()).contains("row 2, column b", "surrogate").doesNotContain("secret");
            assertThat(count("copy_text")).isZero();
        }
    }

    @Test
    void anUnsupportedTypeIsADataErrorNamingRowColumnTypeAndFix() throws SQLException {
        java.util.Date date = new java.util.Date(0);

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> fx.client.copyIn("copy_text",
                List.of("idx", "a"), List.of(1, 2), (i, row) -> row.value(i).value(i == 2 ? date : "fine")));

        assertThat(e.code()).isEqualTo(ErrorCode.DATA_ERROR);
        assertThat(e.getMessage()).contains("row 2, column a", "java.util.Date", "String")
                .doesNotContain(date.toString());
        assertThat(count("copy_text")).isZero();
    }

    @Test
    void aRowWithTooFewOrTooManyValuesIsADataErrorNamingTheRow() throws SQLException {
        DatabaseError fewer = catchThrowableOfType(DatabaseError.class, () -> fx.client.copyIn("copy_text",
                List.of("idx", "a"), List.of(1, 2, 3), (i, row) -> {
                    row.value(i);
                    if (i != 2) {
                        row.value("a");
                    }
                }));
        DatabaseError more = catchThrowableOfType(DatabaseError.class, () -> fx.client.copyIn("copy_text",
                List.of("idx", "a"), List.of(1), (i, row) -> row.value(i).value("a").value("secret")));

        assertThat(fewer.code()).isEqualTo(ErrorCode.DATA_ERROR);
        assertThat(fewer.getMessage()).contains("row 2 has 1 value for the 2 columns [idx, a]");
        assertThat(more.code()).isEqualTo(ErrorCode.DATA_ERROR);
        assertThat(more.getMessage()).contains("row 1 has more values than the 2 columns").doesNotContain("secret");
        assertThat(count("copy_text")).isZero();
    }

    @Test
    void aWriterThatCatchesTheRefusalCannotGoOn() throws SQLException {
        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> fx.client.copyIn("copy_text",
                List.of("idx", "a"), List.of(1, 2), (i, row) -> {
                    row.value(i);
                    try {
                        row.value(new Object());
                    } catch (DatabaseError ignored) {
                        row.value("instead");
                    }
                }));

        assertThat(e.code()).isEqualTo(ErrorCode.DATA_ERROR);
        assertThat(e.getMessage()).contains("row 1, column a", "java.lang.Object");
        assertThat(count("copy_text")).isZero();
    }

    @Test
    void aDateTimeBeyondJavaTimeConversionIsADataError() throws SQLException {
        Instant farFuture = Instant.MAX.minusSeconds(1);

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> fx.client.copyIn("copy_typed",
                List.of("id", "inst"), List.of(1), (i, row) -> row.value(i).value(farFuture)));

        assertThat(e.code()).isEqualTo(ErrorCode.DATA_ERROR);
        assertThat(e.getMessage()).contains("row 1, column inst", "range");
        assertThat(count("copy_typed")).isZero();
    }

    // ------------------------------------------------------------------------------------ the writer's exceptions

    @Test
    void theWritersOwnExceptionPropagatesUnchangedAndNothingIsInserted() throws SQLException {
        IOException thrown = new IOException("the source broke");

        // Fails after more than a chunk has been sent, so the server has rows to throw away.
        Throwable e = catchThrowable(() -> fx.client.copyIn("copy_text", List.of("idx", "a"),
                IntStream.range(0, 20_000).boxed().toList(), (i, row) -> {
                    if (i == 19_999) {
                        throw thrown;
                    }
                    row.value(i).value("some text to fill the chunks");
                }));

        assertThat(e).isSameAs(thrown);
        assertThat(count("copy_text")).isZero();
        assertThat(fx.manager.getConnectionStatus().pool().active()).isZero();
        assertThat(fx.client.copyIn("copy_text", List.of("idx"), List.of(1), (i, row) -> row.value(i)))
                .as("the pool's connections still work").isEqualTo(1);
    }

    @Test
    void theIterablesExceptionPropagatesUnchanged() throws SQLException {
        IllegalStateException thrown = new IllegalStateException("no more");
        Iterable<Integer> failing = () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                if (next == 3) {
                    throw thrown;
                }
                return next++;
            }
        };

        assertThat(catchThrowable(() -> fx.client.copyIn("copy_text", List.of("idx"), failing,
                (i, row) -> row.value(i)))).isSameAs(thrown);
        assertThat(count("copy_text")).isZero();
    }

    // ---------------------------------------------------------------------------------------------- transactions

    @Test
    void insideATransactionTheLoadJoinsItAndRollsBackWithIt() throws SQLException {
        IllegalStateException rollback = new IllegalStateException("roll back");

        Throwable e = catchThrowable(() -> fx.client.useTransaction(() -> {
            fx.users.add(new User("first@example.com", "First"));
            long inserted = fx.client.copyIn("users", List.of("email", "display_name"), List.of("a", "b", "c"),
                    (s, row) -> row.value(s + "@example.com").value(s));
            assertThat(inserted).isEqualTo(3);
            assertThat(fx.users.count()).as("visible in the transaction").isEqualTo(4);
            throw rollback;
        }));

        assertThat(e).isSameAs(rollback);
        assertThat(fx.users.count()).as("gone after the rollback").isZero();
    }

    @Test
    void insideATransactionTheLoadCommitsWithIt() {
        fx.client.useTransaction(() -> {
            fx.client.copyIn("users", List.of("email", "display_name"), List.of("a", "b"),
                    (s, row) -> row.value(s + "@example.com").value(s));
            fx.users.add(new User("c@example.com", "c"));
        });

        assertThat(fx.users.count()).isEqualTo(3);
    }

    @Test
    void outsideATransactionItIsAllOrNothing() throws SQLException {
        List<String> emails = List.of("a", "b", "c", "a"); // the last row repeats the first

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> fx.client.copyIn("users",
                List.of("email", "display_name"), emails, (s, row) -> row.value(s + "@example.com").value(s)));

        assertThat(e.code()).isEqualTo(ErrorCode.UNIQUE_VIOLATION);
        assertThat(e.sqlState()).isEqualTo("23505");
        assertThat(e.getMessage()).contains("copyIn users");
        assertThat(e.context()).containsEntry("statement", "copyIn users");
        assertThat(fx.users.count()).isZero();
    }

    @Test
    void serverErrorsAreCategorizedAsForAnyStatement() throws SQLException {
        DatabaseError badInput = catchThrowableOfType(DatabaseError.class, () -> fx.client.copyIn("copy_text",
                List.of("idx"), List.of("1", "abc"), (s, row) -> row.value(s)));
        DatabaseError noTable = catchThrowableOfType(DatabaseError.class, () -> fx.client.copyIn("missing_table",
                List.of("idx"), List.of(1), (i, row) -> row.value(i)));
        DatabaseError noColumn = catchThrowableOfType(DatabaseError.class, () -> fx.client.copyIn("copy_text",
                List.of("missing_column"), List.of(1), (i, row) -> row.value(i)));
        DatabaseError notNull = catchThrowableOfType(DatabaseError.class, () -> fx.client.copyIn("audit.\"Events\"",
                List.of("\"Kind\""), Arrays.asList("x", null), (s, row) -> row.value(s)));
        DatabaseError outOfRange = catchThrowableOfType(DatabaseError.class, () -> fx.client.copyIn("copy_typed",
                List.of("id", "ld"), List.of(1), (i, row) -> row.value(i).value(LocalDate.of(-5000, 1, 1))));

        assertThat(badInput.code()).isEqualTo(ErrorCode.DATA_ERROR);
        assertThat(badInput.sqlState()).isEqualTo("22P02");
        assertThat(badInput.getMessage()).contains("copyIn copy_text");
        assertThat(noTable.code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
        assertThat(noTable.sqlState()).isEqualTo("42P01");
        assertThat(noColumn.code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
        assertThat(notNull.code()).isEqualTo(ErrorCode.NOT_NULL_VIOLATION);
        assertThat(outOfRange.code()).isEqualTo(ErrorCode.DATA_ERROR);
        assertThat(count("copy_text") + count("copy_typed") + count("audit.\"Events\"")).isZero();
    }

    @Test
    void aBlockThatCatchesARefusedLoadAndGoesOnIsToldWhichFailureAbortedIt() {
        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> fx.client.useTransaction(() -> {
            try {
                fx.client.copyIn("users", List.of("email", "display_name"), List.of("a"),
                        (s, row) -> row.value(s).value("nul\0"));
            } catch (DatabaseError ignored) {
                // and goes on
            }
            fx.users.count();
        }));

        assertThat(e.code()).isEqualTo(ErrorCode.DATA_ERROR);
        assertThat(e.context()).containsEntry("statement", "copyIn users")
                .containsKey(TransactionRunner.REFUSED_STATEMENT);
        assertThat(fx.users.count()).isZero();
    }

    @Test
    void statementsQueuedInABatchTransactionRunBeforeTheLoad() {
        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> fx.client.useTransaction(
                TransactionOptions.defaults().batch(), () -> {
                    fx.client.mapper(UserMapper.class).insert(new User("a@example.com", "queued"));
                    fx.client.copyIn("users", List.of("email", "display_name"), List.of("a"),
                            (s, row) -> row.value(s + "@example.com").value(s));
                }));

        assertThat(e.code()).isEqualTo(ErrorCode.UNIQUE_VIOLATION);
        assertThat(e.context()).containsEntry("statement", "copyIn users");
        assertThat(fx.users.count()).isZero();
    }

    @Test
    void aReadOnlyTransactionRefusesTheLoad() {
        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> fx.client.useTransaction(
                TransactionOptions.defaults().readOnly(), () -> fx.client.copyIn("copy_text", List.of("idx"),
                        List.of(1), (i, row) -> row.value(i))));

        assertThat(e.code()).isEqualTo(ErrorCode.READ_ONLY_TRANSACTION);
    }

    // ---------------------------------------------------------------------------------------------------- names

    @Test
    void quotedAndSchemaQualifiedNamesAreUsedAsWritten() throws SQLException {
        fx.client.copyIn("audit.\"Events\"", List.of("\"Kind\"", "N"), List.of("x"), (s, row) -> row.value(s).value(1));
        fx.client.copyIn("COPY_TEXT", List.of("IDX", "A"), List.of(1), (i, row) -> row.value(i).value("folded"));

        assertThat(count("audit.\"Events\"")).isEqualTo(1);
        assertThat(texts("SELECT a FROM copy_text").get(0)).containsExactly("folded");
    }

    @Test
    void namesThatAreNotIdentifiersAreRefusedBeforeAnythingIsSent() {
        List<String> tables = List.of("copy_text; DROP TABLE users", "copy_text (idx) FROM PROGRAM 'id' --", "",
                "1copy", "a.b.c", "\"\"", "\"unterminated", "copy text", "copy_text--", ".copy_text", "copy_text.",
                "\"a\"b\"", "copy\0text");
        Iterable<Integer> untouched = () -> {
            throw new AssertionError("rows were read");
        };

        fx.client.useTransaction(() -> {
            fx.users.add(new User("kept@example.com", "Kept"));
            for (String table : tables) {
                assertThatThrownBy(() -> fx.client.copyIn(table, List.of("idx"), untouched, (i, row) -> row.value(i)))
                        .as(table).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("\"" + table + "\"");
            }
            for (String column : List.of("idx)", "a, b", "public.idx", "\"idx", "idx --")) {
                assertThatThrownBy(() -> fx.client.copyIn("copy_text", List.of("a", column), untouched,
                        (i, row) -> row.value(i))).as(column).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("columns[1]").hasMessageContaining("\"" + column + "\"");
            }
            // Nothing was sent: the transaction was not aborted and commits.
        });

        assertThat(fx.users.count()).isEqualTo(1);
    }

    @Test
    void missingArgumentsAreNamed() {
        CopyRowWriter<Integer, RuntimeException> writer = (i, row) -> row.value(i);
        List<Integer> rows = List.of(1);

        assertThatThrownBy(() -> fx.client.copyIn(null, List.of("idx"), rows, writer))
                .isInstanceOf(NullPointerException.class).hasMessage("table");
        assertThatThrownBy(() -> fx.client.copyIn("copy_text", null, rows, writer))
                .isInstanceOf(NullPointerException.class).hasMessage("columns");
        assertThatThrownBy(() -> fx.client.copyIn("copy_text", Arrays.asList("idx", null), rows, writer))
                .isInstanceOf(NullPointerException.class).hasMessage("columns[1]");
        assertThatThrownBy(() -> fx.client.copyIn("copy_text", List.of("idx"), null, writer))
                .isInstanceOf(NullPointerException.class).hasMessage("rows");
        assertThatThrownBy(() -> fx.client.copyIn("copy_text", List.of("idx"), rows, null))
                .isInstanceOf(NullPointerException.class).hasMessage("writer");
        assertThatThrownBy(() -> fx.client.copyIn("copy_text", List.of(), rows, writer))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("columns is empty");
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    /** Loads {@code values} into copy_text's column b (row i gets idx i); expects a DatabaseError. */
    private DatabaseError refusedLoad(List<String> values) {
        AtomicInteger idx = new AtomicInteger();
        return catchThrowableOfType(DatabaseError.class, () -> fx.client.copyIn("copy_text", List.of("idx", "b"),
                values, (s, row) -> row.value(idx.incrementAndGet()).value(s)));
    }

    private long count(String table) throws SQLException {
        return Jdbc.queryLong(fx.manager.dataSource(), "SELECT count(*) FROM " + table);
    }

    /** Every row of {@code sql}'s result, each column as getString gives it, read with the session at UTC. */
    private List<List<String>> texts(String sql) throws SQLException {
        try (Connection c = fx.manager.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("SET TIME ZONE 'UTC'");
            List<List<String>> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(sql)) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= columns; i++) {
                        row.add(rs.getString(i));
                    }
                    rows.add(row);
                }
            } finally {
                s.execute("RESET TIME ZONE");
            }
            return rows;
        }
    }

    private static Object[] nulls(int id) {
        Object[] row = new Object[TYPED_COLUMNS.size()];
        row[0] = id;
        return row;
    }

    private static List<String> nullRow(int id, int size) {
        List<String> row = new ArrayList<>();
        row.add(Integer.toString(id));
        for (int i = 1; i < size; i++) {
            row.add(null);
        }
        return row;
    }
}
