package dev.pgkeeper.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.ConnectionEvent;
import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.ConnectionPhase;
import dev.pgkeeper.ConnectionResult;
import dev.pgkeeper.TestConfigs;
import dev.pgkeeper.testing.Await;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.PrivateServerTest;
import dev.pgkeeper.testing.TcpProxy;
import dev.pgkeeper.testing.TestThreads;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Replacing pools: manual reconnect(), races with disconnect(), and what must not count as an outage. */
@PrivateServerTest
class ReconnectIT {

    private final PrivateServer server;

    ReconnectIT(PrivateServer server) {
        this.server = server;
    }


    private String url() {
        return server.admin("postgres").url();
    }

    @Test
    void connectionsLentBeforeReconnectKeepWorkingAndTheOldPoolClosesWhenTheyReturn() throws Exception {
        try (ConnectionManager manager = ConnectionManager.create(TestConfigs.forUrl(url()).build())) {
            manager.initializeConnection();
            DataSource ds = manager.dataSource();
            try (Connection held = ds.getConnection(); Statement s = held.createStatement()) {
                held.setAutoCommit(false);
                s.execute("CREATE TEMP TABLE t (v int) ON COMMIT DROP");
                s.execute("INSERT INTO t VALUES (1)");

                assertThat(manager.reconnect().success()).isTrue();
                assertThat(Jdbc.selectOne(ds)).isEqualTo(1); // served by the new pool

                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("the transaction on the old pool goes on").isEqualTo(1);
                }
                held.commit();
                assertThat(TestThreads.pgkeeperThreads()).anyMatch(n -> n.startsWith("pgkeeper-default-1"));
            }
            Await.until("the old pool closes once its connection is back", Duration.ofSeconds(5),
                    () -> TestThreads.pgkeeperThreads().stream().noneMatch(n -> n.startsWith("pgkeeper-default-1")));
        }
        TestThreads.assertNoPgkeeperThreads();
    }

    @Test
    void reconnectRacingDisconnectLeavesNothingBehind() throws Exception {
        for (int i = 0; i < 20; i++) {
            ConnectionManager manager = ConnectionManager.create(TestConfigs.forUrl(url()).build());
            manager.initializeConnection();
            CompletableFuture<ConnectionResult> reconnect = CompletableFuture.supplyAsync(manager::reconnect);
            Thread.sleep(i % 5);
            manager.disconnect();
            reconnect.get(10, TimeUnit.SECONDS);
            manager.disconnect(); // when reconnect() won, it connected again
            TestThreads.assertNoPgkeeperThreads(Duration.ofSeconds(5));
        }
    }

    @Test
    void aSuccessfulReconnectReleasesCallersWaitingBetweenRetries() throws Exception {
        server.stop();
        try (ConnectionManager manager = ConnectionManager.create(TestConfigs.forUrl(url())
                .maxRetries(3).retryBaseDelay(Duration.ofSeconds(60)).build())) {
            CompletableFuture<ConnectionResult> init = CompletableFuture.supplyAsync(manager::initializeConnection);
            Await.until("the first attempt failed", Duration.ofSeconds(10),
                    () -> manager.getConnectionStatus().retryCount() >= 1);
            server.start();

            assertThat(manager.reconnect().success()).isTrue();

            // Without the release it would wait for the next retry, 60 s away.
            ConnectionResult result = init.get(10, TimeUnit.SECONDS);
            assertThat(result.success()).isTrue();
            assertThat(manager.isConnected()).isTrue();
        } finally {
            server.start();
        }
    }

    @Test
    void aFailedLivenessProbeDoesNotRetireAPoolThatStillWorks() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(server.host(), server.port());
             ConnectionManager manager = ConnectionManager.create(TestConfigs.forUrl(
                     "postgresql://postgres@127.0.0.1:" + proxy.port() + "/postgres")
                     .poolSize(2).poolMinIdle(2).reconnectInterval(Duration.ofMillis(200)).build())) {
            List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
            manager.addListener(events::add);
            manager.initializeConnection();
            DataSource ds = manager.dataSource();
            Jdbc.selectOne(ds);
            Await.until("the pool holds its idle connections", Duration.ofSeconds(5),
                    () -> manager.getConnectionStatus().pool().idle() == 2);

            proxy.mode(TcpProxy.Mode.REFUSE_NEW); // new logins fail, open connections work
            Thread.sleep(1_000);                  // several liveness probes fail meanwhile

            assertThat(manager.getConnectionStatus().phase()).isEqualTo(ConnectionPhase.CONNECTED);
            assertThat(events).extracting(ConnectionEvent::type).doesNotContain(ConnectionEvent.Type.CONNECTION_LOST);
            assertThat(Jdbc.selectOne(ds)).isEqualTo(1);
            proxy.mode(TcpProxy.Mode.FORWARD);
        }
    }

    @Test
    void aFailedLivenessProbeDoesNotRetireABusyPool() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(server.host(), server.port());
             ConnectionManager manager = ConnectionManager.create(TestConfigs.forUrl(
                     "postgresql://postgres@127.0.0.1:" + proxy.port() + "/postgres")
                     .poolSize(2).poolMinIdle(2).reconnectInterval(Duration.ofMillis(200)).build())) {
            List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
            manager.addListener(events::add);
            manager.initializeConnection();
            DataSource ds = manager.dataSource();
            CompletableFuture<Void> first = CompletableFuture.runAsync(() -> sleep(ds));
            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> sleep(ds));
            Await.until("both connections are busy", Duration.ofSeconds(5),
                    () -> manager.getConnectionStatus().pool().active() == 2);

            proxy.mode(TcpProxy.Mode.REFUSE_NEW); // probes fail while every pooled connection is busy
            CompletableFuture.allOf(first, second).get(10, TimeUnit.SECONDS);

            assertThat(manager.getConnectionStatus().phase()).isEqualTo(ConnectionPhase.CONNECTED);
            assertThat(events).extracting(ConnectionEvent::type).doesNotContain(ConnectionEvent.Type.CONNECTION_LOST);
            assertThat(Jdbc.selectOne(ds)).isEqualTo(1);
            proxy.mode(TcpProxy.Mode.FORWARD);
        }
    }

    private static void sleep(DataSource ds) {
        try {
            Jdbc.sleepInDatabase(ds, 2);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
