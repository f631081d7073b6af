package dev.pgkeeper.mybatis.bookshop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.testing.PostgresExtension;
import dev.pgkeeper.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 100,000 events of 704 characters each (about 70 MB of payload) read by a JVM whose whole heap is
 * {@value #HEAP}: a Cursor in a transaction streams them, a List of the same rows does not fit. The figures go
 * to stdout and to target/cursor-figures.txt.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BookshopCursorIT {

    private static final int ROWS = 100_000;
    private static final int MD5_REPEATS = 22; // 22 x 32 = 704 characters a row
    private static final String HEAP = "64m";
    private static final Path FIGURES = Path.of("target", "cursor-figures.txt");

    private Bookshop shop;
    private TestDatabase db;
    private final List<String> figures = new ArrayList<>();

    @BeforeAll
    void start(TestDatabase db) throws SQLException {
        this.db = db;
        shop = Bookshop.start(db);
        long start = System.nanoTime();
        shop.events.generate(ROWS, MD5_REPEATS);
        figures.add(String.format("# %d events, %d characters of payload each, inserted by one INSERT ... SELECT "
                + "generate_series in %d ms; every child runs with -Xmx%s -XX:+UseSerialGC", ROWS, MD5_REPEATS * 32,
                (System.nanoTime() - start) / 1_000_000, HEAP));
        assertThat(shop.events.count()).isEqualTo(ROWS);
    }

    @AfterAll
    void stop() throws IOException {
        shop.close();
        Files.write(FIGURES, figures, StandardCharsets.UTF_8);
    }

    /** What a child printed and how it ended. */
    private record Child(int exitCode, String output, Map<String, String> figures) {
    }

    private Child run(String mode) throws IOException, InterruptedException {
        Path log = Path.of("target", "cursor-child-" + mode + ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + HEAP, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                EventStreamChild.class.getName(), mode)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put(EventStreamChild.URL_VARIABLE, db.url());
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the " + mode + " child did not end within 120 s; see " + log);
        }
        String output = Files.readString(log);
        Map<String, String> parsed = new LinkedHashMap<>();
        output.lines().filter(l -> l.startsWith("FIGURES ")).findFirst().ifPresent(line -> {
            for (String pair : line.substring("FIGURES ".length()).split(" ")) {
                int eq = pair.indexOf('=');
                parsed.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        });
        output.lines().filter(l -> l.startsWith("FIGURES ") || l.startsWith("OUT_OF_MEMORY")).forEach(line -> {
            System.out.println(line);
            figures.add(line + " (exit " + process.exitValue() + ")");
        });
        return new Child(process.exitValue(), output, parsed);
    }

    /** Exit 0, every row in id order, in a heap smaller than the rows, with a live set that did not grow with them. */
    private static void assertReadEveryRowInOrder(Child child) {
        assertThat(child.exitCode()).as(child.output()).isZero();
        assertThat(child.figures()).containsEntry("rows", String.valueOf(ROWS)).containsEntry("inOrder", "true")
                .containsEntry("payloadMb", "70.4");
        assertThat(Double.parseDouble(child.figures().get("maxHeapMb"))).as("the heap is smaller than the payload")
                .isLessThan(70.4);
        double growth = Double.parseDouble(child.figures().get("maxLiveAfterGcMb"))
                - Double.parseDouble(child.figures().get("baselineMb"));
        assertThat(growth).as("live heap after any GC, above what the client needed before reading (MB)").isLessThan(10);
    }

    @Test
    void aCursorInATransactionReadsAHundredThousandRowsInAHeapSmallerThanThem() throws Exception {
        Child child = run("cursor");

        assertReadEveryRowInOrder(child);
    }

    @Test
    void theSameRowsReadIntoAListRunOutOfMemoryInTheSameHeap() throws Exception {
        Child child = run("list");

        assertThat(child.exitCode()).as(child.output()).isEqualTo(EventStreamChild.OUT_OF_MEMORY);
        assertThat(child.output()).contains("OUT_OF_MEMORY mode=list").contains("Java heap space");
    }

    @Test
    void aResultHandlerStreamsInTheSameHeapWhenItsStatementHasAFetchSize() throws Exception {
        assertReadEveryRowInOrder(run("handler"));
    }

    @Test
    void aResultHandlerWithoutAFetchSizeRunsOutOfMemoryBecausePgjdbcReadsTheWholeResultFirst() throws Exception {
        Child child = run("handler-without-fetch-size");

        assertThat(child.exitCode()).as(child.output()).isEqualTo(EventStreamChild.OUT_OF_MEMORY);
        assertThat(child.output()).contains("after 0 rows").contains("Java heap space");
    }
}
