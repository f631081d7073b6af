package dev.pgkeeper.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.mybatis.fixtures.Fixture;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.PostgresExtension;
import dev.pgkeeper.testing.TestDatabase;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.executor.BatchResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code DB_REWRITE_BATCHED_INSERTS}: by default pgjdbc sends a MyBatis batch of single-row inserts as a few
 * multi-row inserts, which changes the update counts but not the rows, the generated keys or the error code;
 * {@code rewriteBatchedInserts(false)} brings back one statement and one count per row. A statement-level
 * trigger counts the INSERT statements the server executes, so the rewrite is seen on the server, not inferred.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchRewriteIT {

    private static final String SCHEMA = """
            CREATE TABLE labels (
                id bigserial PRIMARY KEY,
                label text NOT NULL UNIQUE);
            CREATE TABLE insert_statements (at timestamptz NOT NULL DEFAULT clock_timestamp());
            CREATE FUNCTION count_insert_statement() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO insert_statements DEFAULT VALUES;
                    RETURN NULL;
                END $$;
            CREATE TRIGGER labels_insert_statements AFTER INSERT ON labels
                FOR EACH STATEMENT EXECUTE FUNCTION count_insert_statement();
            """;

    /** A row of {@code labels}. */
    public static final class Label {
        private Long id;
        private String label;

        public Label() {
        }

        Label(String label) {
            this.label = label;
        }

        public Long getId() {
            return id;
        }

        public void setId(Long id) {
            this.id = id;
        }

        public String getLabel() {
            return label;
        }

        public void setLabel(String label) {
            this.label = label;
        }
    }

    /** Single-row inserts, with and without generated keys, and one that skips duplicates. */
    public interface LabelMapper {
        @Insert("INSERT INTO labels (label) VALUES (#{label})")
        int insert(Label label);

        @Insert("INSERT INTO labels (label) VALUES (#{label})")
        @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
        int insertReturningId(Label label);

        @Insert("INSERT INTO labels (label) VALUES (#{label}) ON CONFLICT DO NOTHING")
        int insertUnlessPresent(Label label);

        @Select("SELECT id FROM labels WHERE label = #{label}")
        Long idOf(@Param("label") String label);

        @Select("SELECT count(*) FROM labels")
        long count();
    }

    /** What an application writes: a repository whose bulk insert is {@link BaseRepository#insertInBatches}. */
    static final class LabelRepository extends BaseRepository<LabelMapper> {
        LabelRepository(MyBatisClient client) {
            super(client, LabelMapper.class);
        }

        int addAll(List<Label> labels, int flushEvery) {
            return insertInBatches(labels, flushEvery, LabelMapper::insert);
        }

        int addAllReturningIds(List<Label> labels, int flushEvery) {
            return insertInBatches(labels, flushEvery, LabelMapper::insertReturningId);
        }
    }

    /** A manager on one of the two settings, and a client and repository on it. */
    private record Stack(ConnectionManager manager, MyBatisClient client, LabelRepository labels) {
        static Stack start(DatabaseConfig config) {
            ConnectionManager manager = ConnectionManager.create(config);
            assertThat(manager.initializeConnection().success()).isTrue();
            MyBatisClient client = MyBatisClient.builder().connectionManager(manager).addMapper(LabelMapper.class).build();
            return new Stack(manager, client, new LabelRepository(client));
        }

        LabelMapper mapper() {
            return client.mapper(LabelMapper.class);
        }

        /** Queues every label with {@code insert} in one batch transaction and returns the flush's update counts. */
        int[] flushCounts(List<Label> labels, java.util.function.BiConsumer<LabelMapper, Label> insert) {
            return client.inTransaction(TransactionOptions.defaults().batch(), () -> {
                labels.forEach(l -> insert.accept(mapper(), l));
                List<BatchResult> results = client.flushStatements();
                assertThat(results).as("one prepared statement for the whole batch").hasSize(1);
                return results.get(0).getUpdateCounts();
            });
        }
    }

    private Stack rewriting;
    private Stack perRow;

    @BeforeAll
    void start(TestDatabase db) throws SQLException {
        rewriting = Stack.start(config(db).name("rewriting").build());
        perRow = Stack.start(config(db).name("perrow").rewriteBatchedInserts(false).build());
        Jdbc.execute(rewriting.manager.dataSource(), SCHEMA);
    }

    /** The settings both stacks start from: to {@code db} directly; {@link PgBouncerBatchRewriteIT} goes through PgBouncer. */
    DatabaseConfig.Builder config(TestDatabase db) {
        return Fixture.config(db);
    }

    @BeforeEach
    void clear() throws SQLException {
        Jdbc.execute(rewriting.manager.dataSource(), "TRUNCATE labels, insert_statements RESTART IDENTITY");
    }

    @AfterEach
    void nothingLeaked() {
        for (Stack s : List.of(rewriting, perRow)) {
            assertThat(s.client.isInTransaction()).as("a transaction left open on the test thread").isFalse();
            assertThat(s.manager.getConnectionStatus().pool().active()).as("connections still lent out").isZero();
        }
    }

    @AfterAll
    void stop() {
        if (rewriting != null) {
            rewriting.manager.disconnect();
        }
        if (perRow != null) {
            perRow.manager.disconnect();
        }
    }

    private static List<Label> labels(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> new Label(prefix + i)).toList();
    }

    private long insertStatements() throws SQLException {
        return Jdbc.queryLong(rewriting.manager.dataSource(), "SELECT count(*) FROM insert_statements");
    }

    // --- (a) and (b): the default rewrites, the opt-out does not

    @Test
    void byDefaultInsertInBatchesInsertsEveryRowInFewStatements() throws SQLException {
        assertThat(rewriting.manager.config().rewriteBatchedInserts()).as("the default").isTrue();

        assertThat(rewriting.labels.addAll(labels("a", 1_000), 100)).isEqualTo(1_000);

        assertThat(rewriting.mapper().count()).isEqualTo(1_000);
        assertThat(insertStatements()).as("INSERT statements the server executed for 1,000 rows in 10 flushes"
                + " (pgjdbc 42.7 sends 100 rows as 64 + 32 + 4)").isBetween(10L, 30L);
    }

    @Test
    void byDefaultAFlushReportsSuccessNoInfoForTheRewrittenRows() {
        int[] counts = rewriting.flushCounts(labels("a", 100), LabelMapper::insert);

        assertThat(counts).hasSize(100).containsOnly(Statement.SUCCESS_NO_INFO);
        assertThat(rewriting.mapper().count()).isEqualTo(100);
    }

    @Test
    void withTheOptOutEveryRowIsAStatementWithACountOfOne() throws SQLException {
        assertThat(perRow.labels.addAll(labels("b", 1_000), 100)).isEqualTo(1_000);
        assertThat(insertStatements()).as("one INSERT per row").isEqualTo(1_000);

        int[] counts = perRow.flushCounts(labels("c", 100), LabelMapper::insert);

        assertThat(counts).hasSize(100).containsOnly(1);
        assertThat(perRow.mapper().count()).isEqualTo(1_100);
    }

    // --- (c): generated keys

    @Test
    void byDefaultABatchWithGeneratedKeysGetsEveryKeyRight() throws SQLException {
        List<Label> rows = labels("k", 500);

        assertThat(rewriting.labels.addAllReturningIds(rows, 100)).isEqualTo(500);

        assertThat(rows).extracting(Label::getId).doesNotContainNull().doesNotHaveDuplicates();
        Map<String, Long> stored = rows.stream().collect(Collectors.toMap(Label::getLabel,
                l -> rewriting.mapper().idOf(l.getLabel())));
        assertThat(rows).allSatisfy(l -> assertThat(l.getId()).as(l.getLabel()).isEqualTo(stored.get(l.getLabel())));
        assertThat(insertStatements()).as("pgjdbc does not rewrite a statement that returns keys").isEqualTo(500);
        assertThat(rewriting.flushCounts(labels("m", 10), LabelMapper::insertReturningId)).containsOnly(1);
    }

    // --- (d): ON CONFLICT DO NOTHING, the documented caveat

    @Test
    void onConflictDoNothingCountsAreLostByDefaultAndKeptWithTheOptOut() throws SQLException {
        rewriting.flushCounts(List.of(new Label("d1"), new Label("d3")), LabelMapper::insert);
        List<Label> mixed = List.of(new Label("d0"), new Label("d1"), new Label("d2"), new Label("d3"));

        int[] rewritten = rewriting.flushCounts(mixed, LabelMapper::insertUnlessPresent);
        assertThat(rewriting.mapper().count()).isEqualTo(4);
        Jdbc.execute(rewriting.manager.dataSource(), "DELETE FROM labels WHERE label IN ('d0', 'd2')");
        int[] perRowCounts = perRow.flushCounts(mixed, LabelMapper::insertUnlessPresent);

        assertThat(rewritten).as("which rows were skipped is lost").containsExactly(-2, -2, -2, -2);
        assertThat(perRowCounts).as("0 for a skipped row, 1 for an inserted one").containsExactly(1, 0, 1, 0);
        assertThat(perRow.mapper().count()).isEqualTo(4);
    }

    // --- (e): a failing row

    @Test
    void aDuplicateInARewrittenBatchRollsBackEverythingAsUniqueViolation() throws SQLException {
        List<Label> withDuplicate = IntStream.range(0, 500)
                .mapToObj(i -> new Label(i == 250 ? "e0" : "e" + i)).toList();

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> rewriting.labels.addAll(withDuplicate, 100));

        assertThat(e.code()).isEqualTo(ErrorCode.UNIQUE_VIOLATION);
        assertThat(e.sqlState()).isEqualTo("23505");
        assertThat(e.getMessage() + e.troubleshootingSteps()).contains("labels_label_key");
        assertThat(rewriting.mapper().count()).as("the batches sent before the failing one are rolled back").isZero();
        BatchUpdateException batch = batchUpdateException(e);
        assertThat(batch.getMessage()).as("row 250 is reported as entry 0 of its multi-row statement")
                .startsWith("Batch entry 0 ");
        assertThat(batch.getUpdateCounts()).containsOnly(Statement.EXECUTE_FAILED);
    }

    private static BatchUpdateException batchUpdateException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BatchUpdateException b) {
                return b;
            }
        }
        throw new AssertionError("no BatchUpdateException among the causes of " + e, e);
    }
}
