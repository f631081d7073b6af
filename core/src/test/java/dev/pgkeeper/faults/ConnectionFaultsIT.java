package dev.pgkeeper.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeeper.ConnectionEvent;
import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.ConnectionPhase;
import dev.pgkeeper.ConnectionResult;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.DatabaseHealthResult;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.HealthStatus;
import dev.pgkeeper.TestConfigs;
import dev.pgkeeper.testing.Await;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.TestThreads;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.PrivateServerTest;
import dev.pgkeeper.testing.TcpProxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The manager against a private PostgreSQL that the tests stop, restart and hide behind a broken network.
 */
@PrivateServerTest
class ConnectionFaultsIT {

    private final PrivateServer server;
    private final List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
    private ConnectionManager manager;

    ConnectionFaultsIT(PrivateServer server) {
        this.server = server;
    }


    @AfterEach
    void tearDown() {
        server.start(); // a test that stopped it leaves it running for the next
        if (manager != null) {
            try {
                TestConfigs.assertAllConnectionsReturned(manager);
            } finally {
                manager.disconnect();
            }
            TestThreads.assertNoPgkeeperThreads();
        }
    }

    private ConnectionManager manager(DatabaseConfig.Builder config) {
        manager = ConnectionManager.create(config.build());
        manager.addListener(events::add);
        return manager;
    }

    private DatabaseConfig.Builder config() {
        return TestConfigs.forUrl(server.admin("postgres").url());
    }

    @Test
    void serverDownAtStartRetriesWithBackoffThenTheLoopConnectsOnceItStarts() throws SQLException {
        server.stop();
        manager(config().maxRetries(2).retryBaseDelay(Duration.ofMillis(50)).reconnectInterval(Duration.ofMillis(300)));

        ConnectionResult result = manager.initializeConnection();

        assertThat(result.success()).isFalse();
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(result.error().code()).isEqualTo(ErrorCode.NETWORK_ERROR);
        assertThat(manager.getConnectionStatus().phase()).isEqualTo(ConnectionPhase.RECONNECTING);
        assertThat(manager.getConnectionStatus().reconnectScheduled()).isTrue();
        Await.until("three events", Duration.ofSeconds(5), () -> events.size() >= 3);
        assertThat(events.subList(0, 3)).extracting(ConnectionEvent::type, ConnectionEvent::nextDelay).containsExactly(
                org.assertj.core.groups.Tuple.tuple(ConnectionEvent.Type.RETRYING, Duration.ofMillis(50)),
                org.assertj.core.groups.Tuple.tuple(ConnectionEvent.Type.RETRYING, Duration.ofMillis(100)),
                org.assertj.core.groups.Tuple.tuple(ConnectionEvent.Type.RETRYING, Duration.ofMillis(300)));

        server.start();

        // No calls are made: only the reconnect loop can connect.
        Await.until("the reconnect loop connects", Duration.ofSeconds(10), manager::isConnected);
        Await.until("a CONNECTED event", Duration.ofSeconds(5),
                () -> events.stream().anyMatch(e -> e.type() == ConnectionEvent.Type.CONNECTED));
        assertThat(manager.getConnectionStatus().lastErrorCode()).isNull();
        assertThat(manager.getConnectionStatus().retryCount()).isZero();
        assertThat(Jdbc.selectOne(manager.dataSource())).isEqualTo(1);
    }

    @Test
    void whileTheServerIsDownCallsFailFastAndTheNextCallAfterItReturnsSucceeds() throws Exception {
        manager(config());
        assertThat(manager.initializeConnection().success()).isTrue();
        DataSource ds = manager.dataSource();
        Jdbc.selectOne(ds);

        server.stop();
        Await.until("the loss is noticed", Duration.ofSeconds(10), () -> {
            try {
                Jdbc.selectOne(ds);
            } catch (SQLException e) {
                // the first calls may fail on stale connections; that is how the loss is noticed
            }
            return manager.getConnectionStatus().phase() == ConnectionPhase.RECONNECTING;
        });

        long connectionTimeoutNanos = manager.config().connectionTimeout().toNanos();
        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> Jdbc.selectOne(ds))
                    .isInstanceOf(SQLTransientConnectionException.class)
                    .satisfies(e -> assertThat(manager.categorize(e).code()).isEqualTo(ErrorCode.NETWORK_ERROR));
            long took = System.nanoTime() - start;
            assertThat(took).as("a call while the server is known to be down fails well under the %d ms"
                    + " connection timeout", connectionTimeoutNanos / 1_000_000).isLessThan(connectionTimeoutNanos / 4);
        }
        DatabaseHealthResult down = manager.checkHealth();
        assertThat(down.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(down.errorCode()).isEqualTo(ErrorCode.NETWORK_ERROR);

        server.start();
        Thread.sleep(manager.config().probeInterval().toMillis()); // let the probe interval pass since the last probe

        assertThat(Jdbc.selectOne(ds)).as("the first call after the server is back").isEqualTo(1);
        assertThat(manager.isConnected()).isTrue();
        Await.until("CONNECTION_LOST, then CONNECTED", Duration.ofSeconds(5), () -> {
            List<ConnectionEvent.Type> types = events.stream().map(ConnectionEvent::type).toList();
            int lost = types.indexOf(ConnectionEvent.Type.CONNECTION_LOST);
            return lost >= 0 && types.lastIndexOf(ConnectionEvent.Type.CONNECTED) > lost;
        });
    }

    @Test
    void aRestartWhileConnectedIsNoticedAndQueriesSucceedAgain() throws Exception {
        manager(config());
        manager.initializeConnection();
        DataSource ds = manager.dataSource();
        Jdbc.selectOne(ds);

        server.restart();

        List<ErrorCode> failures = new ArrayList<>();
        Await.until("queries succeed again", Duration.ofSeconds(10), () -> {
            try {
                return Jdbc.selectOne(ds) == 1;
            } catch (SQLException e) {
                failures.add(manager.categorize(e).code());
                return false;
            }
        });
        assertThat(failures).as("failures are categorized temporary").allMatch(ErrorCode::isTemporary);
        assertThat(failures).as("at most the stale connections fail").hasSizeLessThanOrEqualTo(4);
        assertThat(manager.isConnected()).isTrue();
        Await.until("the manager noticed: lost the connection, or replaced the pool of the restarted server",
                Duration.ofSeconds(5), () -> events.stream().anyMatch(e -> e.type() == ConnectionEvent.Type.CONNECTION_LOST)
                        || events.stream().filter(e -> e.type() == ConnectionEvent.Type.CONNECTED).count() >= 2);
    }

    @Test
    void anOutageWithoutTrafficIsNoticedByTheLivenessProbe() throws Exception {
        manager(config().reconnectInterval(Duration.ofMillis(200)));
        manager.initializeConnection();
        Jdbc.selectOne(manager.dataSource());

        server.stop(); // no call is made from here on
        Await.until("the liveness probe notices", Duration.ofSeconds(10),
                () -> manager.getConnectionStatus().phase() == ConnectionPhase.RECONNECTING);
        server.start();
        Await.until("the reconnect loop connects", Duration.ofSeconds(10), manager::isConnected);

        assertThat(Jdbc.selectOne(manager.dataSource())).isEqualTo(1);
    }

    @Test
    void aLostConnectionIsNoticedByTheNextFailedOperation() throws Exception {
        manager(config().reconnectInterval(Duration.ofDays(1))); // no liveness probe will run
        manager.initializeConnection();
        DataSource ds = manager.dataSource();
        Jdbc.selectOne(ds);

        server.stop();
        assertThatThrownBy(() -> Jdbc.selectOne(ds)).isInstanceOf(SQLException.class);

        Await.until("the failed operation made the manager check", Duration.ofSeconds(10),
                () -> manager.getConnectionStatus().phase() == ConnectionPhase.RECONNECTING);
        Await.until("a CONNECTION_LOST event", Duration.ofSeconds(5),
                () -> events.stream().anyMatch(e -> e.type() == ConnectionEvent.Type.CONNECTION_LOST));
    }

    @Test
    void theReconnectLoopKeepsItsInterval() {
        server.stop();
        Duration interval = Duration.ofMillis(300);
        manager(config().maxRetries(0).reconnectInterval(interval));
        manager.initializeConnection();

        Await.until("four turns of the loop", Duration.ofSeconds(10), () -> events.size() >= 5);

        // events: the initial attempt handing over to the loop, then one per turn
        List<ConnectionEvent> turns = events.subList(1, 5);
        assertThat(turns).allSatisfy(e -> {
            assertThat(e.type()).isEqualTo(ConnectionEvent.Type.RETRYING);
            assertThat(e.nextDelay()).isEqualTo(interval);
        });
        for (int i = 1; i < turns.size(); i++) {
            assertThat(Duration.between(turns.get(i - 1).at(), turns.get(i).at()))
                    .as("time between turns").isGreaterThanOrEqualTo(interval.minusMillis(20));
        }
    }

    @Test
    void aWrongPasswordIsAuthFailedAndNotRetried() throws Exception {
        var app = server.createLoginRole("pgk_auth", "right-Pa55word", "postgres");
        manager(TestConfigs.forUrl(app.as("pgk_auth", "wrong-Pa55word").url()).maxRetries(3)
                .reconnectInterval(Duration.ofDays(1)));

        ConnectionResult result = manager.initializeConnection();

        assertThat(result.success()).isFalse();
        assertThat(result.attempts()).as("no backoff retries").isEqualTo(1);
        assertThat(result.error().code()).isEqualTo(ErrorCode.AUTH_FAILED);
        assertThat(result.error().isTemporary()).isFalse();
        assertThat(manager.getConnectionStatus().phase()).isEqualTo(ConnectionPhase.FAILED);
        Await.until("a FAILED event", Duration.ofSeconds(5), () -> !events.isEmpty());
        assertThat(events).extracting(ConnectionEvent::type).containsExactly(ConnectionEvent.Type.FAILED);
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> manager.dataSource().getConnection())
                    .hasCauseInstanceOf(DatabaseError.class)
                    .satisfies(e -> assertThat(manager.categorize(e).code()).isEqualTo(ErrorCode.AUTH_FAILED));
            Thread.sleep(10);
        }
        assertThat(manager.getConnectionStatus().retryCount()).as("calls do not try the password again").isEqualTo(1);
    }

    @Test
    void aClosedPortIsANetworkError() {
        manager(TestConfigs.forUrl("postgresql://postgres@127.0.0.1:" + PrivateServer.freePort() + "/postgres").maxRetries(0));

        ConnectionResult result = manager.initializeConnection();

        assertThat(result.error().code()).isEqualTo(ErrorCode.NETWORK_ERROR);
        assertThat(result.error().isTemporary()).isTrue();
        assertThat(result.error().troubleshootingSteps()).isNotEmpty();
    }

    @Test
    void anUnknownHostIsADnsError() {
        manager(TestConfigs.forUrl("postgresql://postgres@no-such-host.invalid:5432/postgres").maxRetries(0));

        assertThat(manager.initializeConnection().error().code()).isEqualTo(ErrorCode.DNS_ERROR);
    }

    @Test
    void aMissingDatabaseIsDatabaseNotFound() {
        manager(TestConfigs.forUrl(server.admin("no_such_database").url()).maxRetries(3));

        ConnectionResult result = manager.initializeConnection();

        assertThat(result.error().code()).isEqualTo(ErrorCode.DATABASE_NOT_FOUND);
        assertThat(result.attempts()).isEqualTo(1);
    }

    @Test
    void aDatabaseDroppedWhileConnectedMakesTheManagerFailedAndCallsFailFast() throws Exception {
        var db = server.createDatabase("dropped");
        manager(TestConfigs.forUrl(db.url()).connectionTimeout(Duration.ofSeconds(5))
                .reconnectInterval(Duration.ofSeconds(60)));
        assertThat(manager.initializeConnection().success()).isTrue();

        server.dropDatabase(db.database()); // WITH (FORCE): its sessions end, and new logins get 3D000
        long first = System.nanoTime();
        assertThatThrownBy(() -> Jdbc.selectOne(manager.dataSource())).as("a call finds the pool's connections gone")
                .isInstanceOf(SQLException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - first)).as("released as soon as the refusal is known")
                .isLessThan(Duration.ofMillis(2_500));
        Await.until("a FAILED event", Duration.ofSeconds(5),
                () -> events.stream().anyMatch(e -> e.type() == ConnectionEvent.Type.FAILED));

        assertThat(manager.getConnectionStatus().phase()).isEqualTo(ConnectionPhase.FAILED);
        long start = System.nanoTime();
        assertThatThrownBy(() -> manager.dataSource().getConnection())
                .isInstanceOfSatisfying(SQLException.class, e ->
                        assertThat(manager.categorize(e).code()).isEqualTo(ErrorCode.DATABASE_NOT_FOUND));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("fails fast, not after the connection timeout")
                .isLessThan(Duration.ofMillis(2_500));
    }

    @Test
    void requiringSslFromAServerWithoutSslIsAnSslError() {
        manager(TestConfigs.forUrl(server.admin("postgres").url() + "?sslmode=require").maxRetries(2));

        ConnectionResult result = manager.initializeConnection();

        assertThat(result.error().code()).isEqualTo(ErrorCode.SSL_ERROR);
        assertThat(result.attempts()).isEqualTo(1);
    }

    @Test
    void moreBorrowersThanConnectionsIsPoolExhausted() throws Exception {
        manager(config().poolSize(2).connectionTimeout(Duration.ofMillis(600)).probeTimeout(Duration.ofMillis(600)));
        manager.initializeConnection();
        DataSource ds = manager.dataSource();
        try (Connection a = ds.getConnection(); Connection b = ds.getConnection()) {
            assertThatThrownBy(ds::getConnection)
                    .isInstanceOf(SQLTransientConnectionException.class)
                    .satisfies(e -> assertThat(manager.categorize(e).code()).isEqualTo(ErrorCode.POOL_EXHAUSTED));
            assertThat(manager.isConnected()).as("exhaustion is not an outage").isTrue();
        }
        assertThat(Jdbc.selectOne(ds)).isEqualTo(1);
    }

    @Test
    void disconnectReturnsWithinItsBoundWhileAConnectionIsBusyAndThePoolHangs() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(server.host(), server.port())) {
            String url = "postgresql://postgres@127.0.0.1:" + proxy.port() + "/postgres";
            manager(TestConfigs.forUrl(url).poolSize(3).disconnectTimeout(Duration.ofSeconds(1))
                    .connectionTimeout(Duration.ofSeconds(3)));
            manager.initializeConnection();
            DataSource ds = manager.dataSource();
            ExecutorService users = Executors.newFixedThreadPool(3);
            try {
                Future<?> busy = users.submit(() -> Jdbc.sleepInDatabase(ds, 30));
                Await.until("the query is running", Duration.ofSeconds(5),
                        () -> manager.getConnectionStatus().pool().active() == 1);
                // Black-hole the network so the pool's connection adder hangs in a handshake: this is what
                // makes HikariCP's own shutdown wait.
                proxy.mode(TcpProxy.Mode.BLACK_HOLE);
                users.submit(() -> Jdbc.selectOne(ds));
                users.submit(() -> Jdbc.selectOne(ds));
                Thread.sleep(300);

                long start = System.nanoTime();
                manager.disconnect();
                long tookMillis = (System.nanoTime() - start) / 1_000_000;

                assertThat(tookMillis).as("disconnect() is bounded by DB_DISCONNECT_TIMEOUT (1000 ms)")
                        .isLessThan(1000 + 500);
                assertThat(manager.getConnectionStatus().phase()).isEqualTo(ConnectionPhase.DISCONNECTED);
                assertThat(busy).failsWithin(Duration.ofSeconds(5));
                // The pool's close goes on in the background until the adder's handshake times out.
                TestThreads.assertNoPgkeeperThreads(manager.config().connectionTimeout().plusSeconds(3));
            } finally {
                users.shutdownNow();
                proxy.mode(TcpProxy.Mode.FORWARD);
            }
        }
    }

    @Test
    void aHealthCheckAgainstASilentServerAnswersDownWithinItsBound() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(server.host(), server.port())) {
            manager(TestConfigs.forUrl("postgresql://postgres@127.0.0.1:" + proxy.port() + "/postgres")
                    .probeTimeout(Duration.ofMillis(800)));
            manager.initializeConnection();
            assertThat(manager.checkHealth().isUp()).isTrue();

            proxy.mode(TcpProxy.Mode.BLACK_HOLE);
            long start = System.nanoTime();
            DatabaseHealthResult health = manager.checkHealth();
            long tookMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(health.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(health.errorCode()).isEqualTo(ErrorCode.NETWORK_ERROR);
            assertThat(tookMillis).as("bounded by DB_PROBE_TIMEOUT (800 ms)").isLessThan(800 + 1_000);
            // The check's own query runs to the same deadline on the worker thread, which then gives the
            // connection back; the caller may see DOWN a moment before that happens.
            Await.until("the abandoned check's connection is returned", Duration.ofSeconds(2),
                    () -> manager.getConnectionStatus().pool().active() == 0);
            proxy.mode(TcpProxy.Mode.FORWARD);
        }
    }
}
