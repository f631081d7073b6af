package dev.pgkeeper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.testing.Await;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.TcpProxy;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle's promises at its edges, through the public API against a real server (behind a proxy where
 * an outage is needed): the probe's connection really becomes the pool's first, every wait is bounded as
 * documented, a bounded and an asynchronous start, and a permanent failure that keeps the loop trying.
 */
class LifecycleIT {

    private static TestDatabase db;

    @BeforeAll
    static void createDatabase() {
        db = TestPostgres.server().createDatabase("LifecycleIT");
    }

    @AfterAll
    static void dropDatabase() {
        TestPostgres.server().dropDatabase(db.database());
    }

    private static String viaProxy(TcpProxy proxy) {
        return new TestDatabase("127.0.0.1", proxy.port(), db.database(), db.user(), db.password()).url();
    }

    /**
     * Round one closed the probe's connection right after installing the pool, so every pooled connection was
     * opened after the manager said it was connected: a second login on the way to the first call.
     */
    @Test
    void thePoolsFirstConnectionIsTheOneTheProbeOpenedAtStartAndAfterAnOutage() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(db.host(), db.port());
             ConnectionManager manager = ConnectionManager.create(TestConfigs.forUrl(viaProxy(proxy))
                     .poolSize(1).poolMinIdle(1).build())) {
            assertThat(manager.initializeConnection().success()).isTrue();
            assertThat(backendStart(manager.dataSource()))
                    .as("the pooled connection was opened by the probe, before the manager was connected")
                    .isBeforeOrEqualTo(manager.getConnectionStatus().lastConnectedAt());

            proxy.mode(TcpProxy.Mode.REFUSE_NEW);
            proxy.resetAll();
            Await.until("the outage is noticed", Duration.ofSeconds(10), () -> {
                try {
                    Jdbc.selectOne(manager.dataSource());
                } catch (SQLException e) {
                    // expected while down
                }
                return manager.getConnectionStatus().phase() == ConnectionPhase.RECONNECTING;
            });
            proxy.mode(TcpProxy.Mode.FORWARD);
            Await.until("reconnected", Duration.ofSeconds(10), () -> {
                try {
                    return Jdbc.selectOne(manager.dataSource()) == 1;
                } catch (SQLException e) {
                    return false;
                }
            });

            assertThat(backendStart(manager.dataSource()))
                    .as("after the outage too, the first pooled connection is the probe's")
                    .isBeforeOrEqualTo(manager.getConnectionStatus().lastConnectedAt());
            TestConfigs.assertAllConnectionsReturned(manager);
        }
    }

    /**
     * Round one let a call wait its whole timeout in a pool that {@code reconnect()} replaced, then wait a
     * whole timeout again in the new pool: twice the documented bound.
     */
    @Test
    void getConnectionNeverWaitsPastTheConnectionTimeoutWhenThePoolIsReplaced() throws Exception {
        long timeoutMillis = 1_500;
        try (ConnectionManager manager = ConnectionManager.create(TestConfigs.forDatabase(db).poolSize(2)
                .poolMinIdle(2).connectionTimeout(Duration.ofMillis(timeoutMillis)).build())) {
            manager.initializeConnection();
            DataSource ds = manager.dataSource();
            List<Connection> held = new ArrayList<>();
            try {
                held.add(ds.getConnection());
                held.add(ds.getConnection());
                CountDownLatch waiting = new CountDownLatch(1);
                CompletableFuture<Long> caller = CompletableFuture.supplyAsync(() -> {
                    long start = System.nanoTime();
                    waiting.countDown();
                    try (Connection c = ds.getConnection()) {
                        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    } catch (SQLException e) {
                        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    }
                });
                waiting.await();
                Await.until("the caller waits in the pool", Duration.ofSeconds(5),
                        () -> manager.getConnectionStatus().pool().waiting() == 1);
                assertThat(manager.reconnect().success()).isTrue();
                held.add(ds.getConnection()); // the new pool is as busy as the old one
                held.add(ds.getConnection());

                long tookMillis = caller.get(10, TimeUnit.SECONDS);

                // 200 ms for scheduling on a shared machine; round one took twice the timeout.
                assertThat(tookMillis).as("the caller's whole wait").isLessThanOrEqualTo(timeoutMillis + 200);
            } finally {
                for (Connection c : held) {
                    c.close();
                }
            }
            TestConfigs.assertAllConnectionsReturned(manager);
        }
    }

    @Test
    void aBoundedStartReturnsInTimeAndTheManagerConnectsByItselfOnceTheServerIsBack() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(db.host(), db.port());
             ConnectionManager manager = ConnectionManager.create(TestConfigs.forUrl(viaProxy(proxy))
                     .maxRetries(8).retryBaseDelay(Duration.ofMillis(100)).build())) {
            proxy.mode(TcpProxy.Mode.REFUSE_NEW);
            long start = System.nanoTime();

            ConnectionResult result = manager.initializeConnection(Duration.ofMillis(300));

            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(result.success()).isFalse();
            assertThat(result.error().code()).isEqualTo(ErrorCode.NETWORK_ERROR);
            assertThat(result.error().getMessage()).contains("within 300 ms", "goes on in the background");
            assertThat(tookMillis).isLessThan(300 + 500); // the whole schedule would take over 25 s
            assertThat(manager.getConnectionStatus().phase()).isEqualTo(ConnectionPhase.CONNECTING);
            assertThat(manager.getConnectionStatus().reconnectScheduled()).as("the schedule goes on").isTrue();

            proxy.mode(TcpProxy.Mode.FORWARD);
            Await.until("connected in the background", Duration.ofSeconds(10), manager::isConnected);
            assertThat(Jdbc.selectOne(manager.dataSource())).isEqualTo(1);
        }
    }

    @Test
    void anAsynchronousStartReturnsAtOnceAndCompletesWhenConnected() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(db.host(), db.port());
             ConnectionManager manager = ConnectionManager.create(TestConfigs.forUrl(viaProxy(proxy))
                     .maxRetries(8).retryBaseDelay(Duration.ofMillis(100)).build())) {
            proxy.mode(TcpProxy.Mode.REFUSE_NEW);

            CompletableFuture<ConnectionResult> started = manager.initializeConnectionAsync();
            CompletableFuture<ConnectionResult> another = manager.initializeConnectionAsync();
            another.cancel(true); // a caller giving up stops nothing

            assertThat(started).isNotDone();
            assertThat(manager.getConnectionStatus().phase()).isEqualTo(ConnectionPhase.CONNECTING);
            assertThat(manager.checkHealth().status()).isEqualTo(HealthStatus.DOWN);
            proxy.mode(TcpProxy.Mode.FORWARD);

            ConnectionResult result = started.get(10, TimeUnit.SECONDS);
            assertThat(result.success()).isTrue();
            assertThat(result.attempts()).isGreaterThan(1);
            assertThat(Jdbc.selectOne(manager.dataSource())).isEqualTo(1);
        }
    }

    /**
     * FAILED keeps the periodic loop trying, so a login that gets fixed is picked up; round one's status said
     * no reconnect was scheduled meanwhile. The role is missing at first (a permanent failure on any server,
     * including one that trusts every local login), then created.
     */
    @Test
    void aPermanentFailureKeepsTheLoopTryingUntilTheCauseIsFixed() throws Exception {
        String role = "lifecycle_created_later";
        String password = "later-Pa55";
        dev.pgkeeper.testing.PasswordGuard.register(password);
        try (Connection admin = db.connect(); Statement s = admin.createStatement()) {
            s.execute("DROP ROLE IF EXISTS " + role);
        }
        TestDatabase later = db.as(role, password);
        try (ConnectionManager manager = ConnectionManager.create(TestConfigs.forUrl(later.url())
                .reconnectInterval(Duration.ofMillis(200)).build())) {
            ConnectionResult result = manager.initializeConnection();

            assertThat(result.success()).isFalse();
            assertThat(result.error().code()).isEqualTo(ErrorCode.AUTH_FAILED);
            assertThat(result.attempts()).as("a permanent failure is not retried by the schedule").isEqualTo(1);
            ConnectionStatus status = manager.getConnectionStatus();
            assertThat(status.phase()).isEqualTo(ConnectionPhase.FAILED);
            assertThat(status.reconnectScheduled()).as("the loop goes on trying while FAILED").isTrue();

            TestPostgres.server().createLoginRole(role, password, db.database()); // someone fixes it

            Await.until("the loop connects once the role exists", Duration.ofSeconds(10), manager::isConnected);
            assertThat(manager.getConnectionStatus().reconnectScheduled()).isFalse();
            assertThat(Jdbc.selectOne(manager.dataSource())).isEqualTo(1);
        } finally {
            try (Connection admin = db.connect(); Statement s = admin.createStatement()) {
                s.execute("DROP OWNED BY " + role + "; DROP ROLE IF EXISTS " + role);
            } catch (SQLException e) {
                // the role never got created: nothing to drop
            }
        }
    }

    private static Instant backendStart(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()")) {
            rs.next();
            Timestamp t = rs.getTimestamp(1);
            return t.toInstant();
        }
    }
}
