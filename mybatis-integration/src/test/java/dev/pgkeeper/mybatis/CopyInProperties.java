package dev.pgkeeper.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.mybatis.fixtures.Fixture;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * {@link MyBatisClient#copyIn} stores any text exactly: rows of arbitrary Unicode (supplementary characters
 * included), NULLs, and what COPY's text format gives a meaning to (tab, newline, carriage return, backslash,
 * {@code \N}, {@code \.}) or CSV would (commas, quotes), some long enough to cross the 64 KiB chunks at shifting
 * offsets, are read back equal and in order. NUL and lone surrogates, which cannot be stored, have their own
 * tests in {@link CopyInIT}.
 */
class CopyInProperties {

    private static TestDatabase db;
    private static Fixture fx;

    @BeforeContainer
    static void start() throws SQLException {
        db = TestPostgres.server().createDatabase("CopyInProperties");
        fx = Fixture.start(db);
        Jdbc.execute(fx.manager.dataSource(), "CREATE TABLE copy_rows (idx int PRIMARY KEY, a text, b text, c text)");
    }

    @AfterContainer
    static void stop() {
        fx.close();
        TestPostgres.server().dropDatabase(db.database());
    }

    /** One row's text values, any of them {@code null}. */
    record Row(String a, String b, String c) {
    }

    @Property(tries = 200)
    @Label("any rows of text are read back exactly, in order, and counted")
    void anyTextRoundTrips(@ForAll("rows") List<Row> rows) throws SQLException {
        Jdbc.execute(fx.manager.dataSource(), "TRUNCATE copy_rows");
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            indexes.add(i);
        }

        long inserted = fx.client.copyIn("copy_rows", List.of("idx", "a", "b", "c"), indexes,
                (i, out) -> out.value(i).value(rows.get(i).a()).value(rows.get(i).b()).value(rows.get(i).c()));

        assertThat(inserted).isEqualTo(rows.size());
        assertThat(readBack()).containsExactlyElementsOf(rows);
        fx.assertNothingLeaked();
        long chars = rows.stream().flatMap(r -> Stream.of(r.a(), r.b(), r.c())).filter(Objects::nonNull)
                .mapToLong(String::length).sum();
        Statistics.label("size").collect(chars > 64 * 1024 ? "more than a chunk" : "within a chunk");
        Statistics.label("size").coverage(coverage -> coverage.check("more than a chunk").count(n -> n >= 5));
    }

    @Provide
    Arbitrary<List<Row>> rows() {
        Arbitrary<String> text = text().injectNull(0.15);
        return Combinators.combine(text, text, text).as(Row::new).list().ofMaxSize(40);
    }

    /** Short text made of tokens COPY or CSV care about and arbitrary characters, or now and then long text. */
    private static Arbitrary<String> text() {
        Arbitrary<String> token = Arbitraries.frequencyOf(
                Tuple.of(6, storableCharacters()),
                Tuple.of(3, Arbitraries.of("\t", "\n", "\r", "\r\n", "\\", "\\N", "\\.", "\\t", "\\\\",
                        ",", "\"", "'", ";", " ", "", "NULL", "🦆", "👩‍👩‍👧", "é", "€", "\u007f", "\u0001", "\uFEFF",
                        "\uFFFF", "\u2028")));
        Arbitrary<String> shortText = token.list().ofMaxSize(30).map(tokens -> String.join("", tokens));
        // Long: a token repeated past a chunk (64 KiB), after a prefix that shifts where the chunks fall.
        Arbitrary<String> longText = Combinators.combine(shortText, token.filter(t -> !t.isEmpty()),
                        Arbitraries.integers().between(5_000, 40_000))
                .as((prefix, repeated, times) -> prefix + repeated.repeat(times));
        return Arbitraries.frequencyOf(Tuple.of(30, shortText), Tuple.of(1, longText));
    }

    /** Any Unicode code point but NUL and the surrogates, as a String of one or two chars. */
    private static Arbitrary<String> storableCharacters() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(1, 0x7F),
                Arbitraries.integers().between(0x80, 0xD7FF),
                Arbitraries.integers().between(0xE000, 0x10FFFF))
                .map(Character::toString);
    }

    private static List<Row> readBack() throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Connection c = fx.manager.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT a, b, c FROM copy_rows ORDER BY idx")) {
            while (rs.next()) {
                rows.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        }
        return rows;
    }
}
