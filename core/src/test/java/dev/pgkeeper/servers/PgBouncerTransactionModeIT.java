package dev.pgkeeper.servers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.ConnectionResult;
import dev.pgkeeper.ConnectionStatus;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.DatabaseHealthResult;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.HealthStatus;
import dev.pgkeeper.PgBouncerMode;
import dev.pgkeeper.ServerRole;
import dev.pgkeeper.TestConfigs;
import dev.pgkeeper.testing.PgBouncerServer;
import dev.pgkeeper.testing.PgBouncerServer.PoolMode;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.SeveralServersTest;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestThreads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A {@link ConnectionManager} through Debian's PgBouncer 1.18 (issue 10): the probe pgkeeper runs on every
 * connect and recovery ({@code pg_postmaster_start_time()}, {@code inet_server_addr()}, {@code inet_server_port()},
 * {@code pg_control_system()}), the health check and the status work in both pooling modes; with
 * {@code DB_PGBOUNCER=transaction} prepared statements run many times on many threads without
 * "prepared statement S_1 does not exist" or "already exists"; an unsupported startup parameter is an explained
 * configuration error.
 *
 * <p>PgBouncer serves the 8 pooled connections with 4 server connections ({@code default_pool_size = 4}), so
 * in transaction mode consecutive transactions of one client connection run on different server connections.
 */
@SeveralServersTest
class PgBouncerTransactionModeIT {

    private static final String USER = "bouncer_tx";
    private static final String PASSWORD = "bouncer-Tx-Secret-4417";
    private static final int THREADS = 8;
    private static final int ROUNDS = 25;
    private static final int EXECUTIONS = 10; // pgjdbc would switch to a server-side statement at the 5th

    private static PrivateServer server;
    private static TestDatabase db;

    @BeforeAll
    static void startServer() throws SQLException {
        server = PrivateServer.startNew();
        TestDatabase admin = server.createDatabase("bouncer");
        db = server.createLoginRole(USER, PASSWORD, admin.database());
        try (Connection c = admin.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE hits (worker int NOT NULL, round int NOT NULL, PRIMARY KEY (worker, round))");
            s.execute("ALTER TABLE hits OWNER TO " + USER);
        }
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void transactionModeProbesChecksHealthAndRunsPreparedStatementsOnManyThreads() throws Exception {
        try (PgBouncerServer bouncer = PgBouncerServer.start(server.host(), server.port(), USER, PASSWORD,
                PoolMode.TRANSACTION)) {
            try (ConnectionManager manager = ConnectionManager.create(config(bouncer, PgBouncerMode.TRANSACTION))) {
                ConnectionResult result = manager.initializeConnection();
                assertThat(result.success()).as("connected through PgBouncer: %s", result.error()).isTrue();

                assertUpAndConnected(manager, bouncer);
                List<String> failures = hammer(manager.dataSource());
                assertThat(failures).as("failed calls through transaction mode").isEmpty();
                assertThat(rows()).isEqualTo(THREADS * ROUNDS);
                assertUpAndConnected(manager, bouncer);

                // a reconnect runs the probe again and installs a fresh pool through PgBouncer
                assertThat(manager.reconnect().success()).isTrue();
                assertThat(hammer(manager.dataSource())).as("after reconnect()").isEmpty();
                TestConfigs.assertAllConnectionsReturned(manager);
            }
        }
        TestThreads.assertNoPgkeeperThreads(Duration.ofSeconds(5));
    }

    @Test
    void withoutTheSettingTransactionModeBreaksPreparedStatements() throws Exception {
        try (PgBouncerServer bouncer = PgBouncerServer.start(server.host(), server.port(), USER, PASSWORD,
                PoolMode.TRANSACTION);
             ConnectionManager manager = ConnectionManager.create(config(bouncer, PgBouncerMode.OFF))) {
            assertThat(manager.initializeConnection().success()).isTrue();
            DataSource ds = manager.dataSource();
            // Two connections taking turns: pgjdbc's S_1 of one meets the other's on the shared server connection.
            DatabaseError e = null;
            try (Connection a = ds.getConnection(); Connection b = ds.getConnection();
                 PreparedStatement pa = a.prepareStatement("SELECT ?::int + 1");
                 PreparedStatement pb = b.prepareStatement("SELECT ?::int + 1")) {
                for (int i = 0; i < 20 && e == null; i++) {
                    for (PreparedStatement ps : new PreparedStatement[] {pa, pb}) {
                        try {
                            ps.setInt(1, i);
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                            }
                        } catch (SQLException failure) {
                            e = manager.categorize(failure);
                            break;
                        }
                    }
                }
            }
            assertThat(e).as("DB_PGBOUNCER=off in front of transaction mode: server-side statements collide").isNotNull();
            System.out.println("PGBOUNCER transaction mode with DB_PGBOUNCER=off: " + e.code() + " SQLState "
                    + e.sqlState() + ": " + e.getMessage());
            assertThat(e.sqlState()).isIn("42P05", "26000");
            assertThat(e.code()).as("a setting to change, not a schema error").isEqualTo(ErrorCode.CONFIGURATION_ERROR);
            assertThat(e.troubleshootingSteps().get(0)).contains("DB_PGBOUNCER=transaction");
        }
    }

    @Test
    void sessionModeProbesChecksHealthAndRunsPreparedStatements() throws Exception {
        try (PgBouncerServer bouncer = PgBouncerServer.start(server.host(), server.port(), USER, PASSWORD,
                PoolMode.SESSION);
             ConnectionManager manager = ConnectionManager.create(config(bouncer, PgBouncerMode.SESSION))) {
            assertThat(manager.initializeConnection().success()).isTrue();
            assertUpAndConnected(manager, bouncer);
            assertThat(hammer(manager.dataSource())).as("failed calls through session mode").isEmpty();
            TestConfigs.assertAllConnectionsReturned(manager);
        }
    }

    @Test
    void anUnsupportedStartupParameterIsAnExplainedConfigurationError() {
        try (PgBouncerServer bouncer = PgBouncerServer.start(server.host(), server.port(), USER, PASSWORD,
                PoolMode.TRANSACTION);
             ConnectionManager manager = ConnectionManager.create(TestConfigs.forUrl(
                     bouncer.url(db.database()) + "?options=-c%20search_path%3Dx").pgBouncer(PgBouncerMode.TRANSACTION)
                     .build())) {
            long start = System.nanoTime();
            ConnectionResult result = manager.initializeConnection();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(result.success()).isFalse();
            DatabaseError e = result.error();
            String everything = e.getMessage() + " " + e.troubleshootingSteps() + " " + e.context() + " " + e
                    + " " + manager.getConnectionStatus();
            System.out.println("PGBOUNCER unsupported startup parameter after " + millis + " ms, " + result.attempts()
                    + " attempt(s): " + e + " steps=" + e.troubleshootingSteps());
            assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION_ERROR);
            assertThat(e.isTemporary()).as("permanent: retrying changes nothing").isFalse();
            assertThat(e.sqlState()).isEqualTo("08P01");
            assertThat(e.getMessage()).contains("options");
            assertThat(String.join("\n", e.troubleshootingSteps()))
                    .contains("ignore_startup_parameters")
                    .contains("remove it");
            assertThat(everything).doesNotContain(PASSWORD);
            assertThat(result.attempts()).as("a permanent error is not retried").isEqualTo(1);
        }
    }

    private static DatabaseConfig config(PgBouncerServer bouncer, PgBouncerMode mode) {
        return TestConfigs.forUrl(bouncer.url(db.database())).poolSize(THREADS).poolMinIdle(2).pgBouncer(mode).build();
    }

    private static void assertUpAndConnected(ConnectionManager manager, PgBouncerServer bouncer) {
        ConnectionStatus status = manager.getConnectionStatus();
        assertThat(status.connected()).isTrue();
        assertThat(status.url()).contains(":" + bouncer.port() + "/").doesNotContain(PASSWORD);
        DatabaseHealthResult health = manager.checkHealth();
        assertThat(health.status()).as("health through PgBouncer: %s", health).isEqualTo(HealthStatus.UP);
        assertThat(health.role()).isEqualTo(ServerRole.PRIMARY);
        assertThat(health.serverVersion()).isNotBlank();
    }

    /**
     * {@value #THREADS} threads, {@value #ROUNDS} rounds each: borrow a connection, run one prepared statement
     * {@value #EXECUTIONS} times in autocommit, then a transaction of two prepared statements, and give the
     * connection back. Returns the failures.
     */
    private static List<String> hammer(DataSource ds) throws Exception {
        clear();
        Set<String> failures = ConcurrentHashMap.newKeySet();
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "pgkeeper-test-bouncer-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < THREADS; w++) {
                int worker = w;
                futures.add(pool.submit(() -> {
                    for (int round = 0; round < ROUNDS; round++) {
                        try (Connection c = ds.getConnection()) {
                            try (PreparedStatement ps = c.prepareStatement("SELECT ?::int * 2, current_setting('application_name')")) {
                                for (int i = 0; i < EXECUTIONS; i++) {
                                    ps.setInt(1, i);
                                    try (ResultSet rs = ps.executeQuery()) {
                                        rs.next();
                                        assertThat(rs.getInt(1)).isEqualTo(2 * i);
                                    }
                                }
                            }
                            c.setAutoCommit(false);
                            try (PreparedStatement insert = c.prepareStatement("INSERT INTO hits (worker, round) VALUES (?, ?)");
                                 PreparedStatement read = c.prepareStatement("SELECT count(*) FROM hits WHERE worker = ?")) {
                                insert.setInt(1, worker);
                                insert.setInt(2, round);
                                insert.executeUpdate();
                                read.setInt(1, worker);
                                try (ResultSet rs = read.executeQuery()) {
                                    rs.next();
                                    assertThat(rs.getInt(1)).isEqualTo(round + 1);
                                }
                                c.commit();
                            } finally {
                                c.setAutoCommit(true);
                            }
                        } catch (SQLException e) {
                            failures.add(e.getSQLState() + ": " + e.getMessage());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return List.copyOf(failures);
    }

    private static void clear() throws SQLException {
        try (Connection c = server.admin(db.database()).connect(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE hits");
        }
    }

    private static int rows() throws SQLException {
        try (Connection c = server.admin(db.database()).connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM hits")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
