package dev.pgkeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.PostgresExtension;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every query-level error code, provoked for real on PostgreSQL and categorized from what pgjdbc and
 * HikariCP actually throw.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorCategoriesIT {

    private ConnectionManager manager;
    private DataSource ds;
    private TestDatabase db;

    @BeforeAll
    void connect(TestDatabase db) throws SQLException {
        this.db = db;
        manager = ConnectionManager.create(TestConfigs.forDatabase(db).poolSize(6).build());
        assertThat(manager.initializeConnection().success()).isTrue();
        ds = manager.dataSource();
        Jdbc.execute(ds, "CREATE TABLE parent (id int PRIMARY KEY)");
        Jdbc.execute(ds, "CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent (id),"
                + " qty int CHECK (qty > 0), name text NOT NULL, email text CONSTRAINT child_email_key UNIQUE)");
        Jdbc.execute(ds, "INSERT INTO parent VALUES (1), (2)");
        Jdbc.execute(ds, "INSERT INTO child VALUES (1, 1, 1, 'a', 'a@example.com')");
        Jdbc.execute(ds, "CREATE TABLE ledger (id serial PRIMARY KEY, amount int NOT NULL)");
        Jdbc.execute(ds, "CREATE TABLE locks (id int PRIMARY KEY, v int)");
        Jdbc.execute(ds, "INSERT INTO locks VALUES (1, 0), (2, 0)");
    }

    @AfterAll
    void disconnect() {
        TestConfigs.assertAllConnectionsReturned(manager);
        manager.disconnect();
    }

    @Test
    void uniqueViolation() {
        DatabaseError e = failing("INSERT INTO child VALUES (2, 1, 1, 'b', 'a@example.com')");

        assertThat(e.code()).isEqualTo(ErrorCode.UNIQUE_VIOLATION);
        assertThat(e.isTemporary()).isFalse();
        assertThat(e.sqlState()).isEqualTo("23505");
        assertThat(String.join(" ", e.troubleshootingSteps()) + e.getMessage()).contains("child_email_key");
    }

    @Test
    void foreignKeyViolation() {
        assertThat(failing("INSERT INTO child VALUES (3, 99, 1, 'c', null)").code())
                .isEqualTo(ErrorCode.FOREIGN_KEY_VIOLATION);
    }

    @Test
    void checkViolation() {
        assertThat(failing("INSERT INTO child VALUES (4, 1, 0, 'd', null)").code()).isEqualTo(ErrorCode.CHECK_VIOLATION);
    }

    @Test
    void notNullViolation() {
        assertThat(failing("INSERT INTO child VALUES (5, 1, 1, null, null)").code())
                .isEqualTo(ErrorCode.NOT_NULL_VIOLATION);
    }

    @Test
    void schemaErrors() {
        assertThat(failing("SELECT * FROM no_such_table").code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
        assertThat(failing("SELECT no_such_column FROM parent").code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
        assertThat(failing("SELECT no_such_function(1)").code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
        assertThat(failing("CREATE TABLE no_such_schema.t (id int)").code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
    }

    @Test
    void dataErrors() {
        assertThat(failing("SELECT 'abc'::int").code()).isEqualTo(ErrorCode.DATA_ERROR);
        assertThat(failing("SELECT 1 / 0").code()).isEqualTo(ErrorCode.DATA_ERROR);
    }

    @Test
    void statementTimeoutIsQueryCanceled() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET statement_timeout = '50ms'");
            DatabaseError e = manager.categorize(catchThrowable(() -> s.execute("SELECT pg_sleep(2)")));
            s.execute("RESET statement_timeout");

            assertThat(e.code()).isEqualTo(ErrorCode.QUERY_CANCELED);
            assertThat(e.isTemporary()).isTrue();
        }
    }

    @Test
    void writeInReadOnlyTransaction() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SET TRANSACTION READ ONLY");
            DatabaseError e = manager.categorize(catchThrowable(() -> s.execute("INSERT INTO parent VALUES (3)")));
            c.rollback();
            c.setAutoCommit(true);

            assertThat(e.code()).isEqualTo(ErrorCode.READ_ONLY_TRANSACTION);
            assertThat(e.isTemporary()).isTrue();
        }
    }

    @Test
    void conflictingSerializableTransactionsAreASerializationFailure() throws SQLException {
        try (Connection a = ds.getConnection(); Connection b = ds.getConnection();
             Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
            for (Connection c : new Connection[] {a, b}) {
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            }
            // Each reads the total, then writes based on it: a classic write-skew cycle.
            sa.executeQuery("SELECT sum(amount) FROM ledger").close();
            sb.executeQuery("SELECT sum(amount) FROM ledger").close();
            sa.execute("INSERT INTO ledger (amount) VALUES (1)");
            sb.execute("INSERT INTO ledger (amount) VALUES (2)");
            a.commit();
            DatabaseError e = manager.categorize(catchThrowable(b::commit));
            b.rollback();
            for (Connection c : new Connection[] {a, b}) {
                c.setAutoCommit(true);
            }

            assertThat(e.code()).isEqualTo(ErrorCode.SERIALIZATION_FAILURE);
            assertThat(e.isTemporary()).isTrue();
        }
    }

    @Test
    void lockingInOppositeOrderIsADeadlock() throws Exception {
        try (Connection a = ds.getConnection(); Connection b = ds.getConnection();
             Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            sa.execute("SET LOCAL deadlock_timeout = '100ms'");
            sb.execute("SET LOCAL deadlock_timeout = '100ms'");
            sa.execute("UPDATE locks SET v = v + 1 WHERE id = 1");
            sb.execute("UPDATE locks SET v = v + 1 WHERE id = 2");
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<Throwable> first = CompletableFuture.supplyAsync(() -> {
                started.countDown();
                return catchThrowable(() -> sa.execute("UPDATE locks SET v = v + 1 WHERE id = 2"));
            });
            started.await();
            Thread.sleep(50);
            Throwable second = catchThrowable(() -> sb.execute("UPDATE locks SET v = v + 1 WHERE id = 1"));
            Throwable firstFailure = first.get(10, TimeUnit.SECONDS);
            a.rollback();
            b.rollback();
            a.setAutoCommit(true);
            b.setAutoCommit(true);

            Throwable victim = second != null ? second : firstFailure;
            assertThat(victim).as("one of the two transactions is the deadlock victim").isNotNull();
            assertThat(manager.categorize(victim).code()).isEqualTo(ErrorCode.DEADLOCK_DETECTED);
            assertThat(manager.categorize(victim).isTemporary()).isTrue();
        }
    }

    @Test
    void missingPrivilegeIsPermissionDenied() throws SQLException {
        TestDatabase limited = TestPostgres.server().createLoginRole("pgk_limited", "limited-Pw-1", db.database());
        Jdbc.execute(ds, "REVOKE ALL ON parent FROM pgk_limited");
        try (ConnectionManager other = ConnectionManager.create(TestConfigs.forDatabase(limited).build())) {
            assertThat(other.initializeConnection().success()).isTrue();

            DatabaseError e = other.categorize(catchThrowable(() -> Jdbc.execute(other.dataSource(), "SELECT * FROM parent")));

            assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        }
    }

    @Test
    void thePublicCategorizerAgreesWithTheManager() {
        Throwable t = catchThrowable(() -> Jdbc.execute(ds, "SELECT * FROM no_such_table"));

        assertThat(ErrorCategorizer.categorize(t).code()).isEqualTo(manager.categorize(t).code());
    }

    private DatabaseError failing(String sql) {
        Throwable t = catchThrowable(() -> Jdbc.execute(ds, sql));
        assertThat(t).as("%s fails", sql).isNotNull();
        return manager.categorize(t);
    }
}
