package dev.pgkeeper.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.ConnectionPhase;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.testing.Await;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.PrivateServerTest;
import dev.pgkeeper.testing.TestThreads;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;

/**
 * The meters through a real outage: a private server stopped (calls fail fast and are counted by code, an outage
 * is under way) and started again (one outage, its time to recovery recorded, HikariCP's gauges on the new pool).
 */
@PrivateServerTest
class OutageMetricsIT {

    private static final Logger LOG = LogManager.getLogger(OutageMetricsIT.class);

    @Test
    void outageCounterAndRecoveryTimerMoveThroughARealStopAndStart(PrivateServer server) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ConnectionManager manager = ConnectionManager.create(DatabaseConfig.builder()
                .url(server.admin("postgres").url()).name("shop").poolSize(4).maxRetries(2)
                .retryBaseDelay(Duration.ofMillis(20)).connectionTimeout(Duration.ofSeconds(2))
                .probeTimeout(Duration.ofSeconds(1)).reconnectInterval(Duration.ofMillis(500)).build());
             ConnectionManagerMetrics metrics = new ConnectionManagerMetrics(manager)) {
            metrics.bindTo(registry);
            assertThat(manager.initializeConnection().success()).isTrue();
            DataSource ds = manager.dataSource();
            for (int i = 0; i < 3; i++) {
                Jdbc.selectOne(ds);
            }
            assertThat(state(registry, ConnectionPhase.CONNECTED)).isEqualTo(1);
            assertThat(acquire(registry, "success")).isEqualTo(3);
            assertThat(registry.get("hikaricp.connections.acquire").tag("pool", "shop").timer().count()).isEqualTo(3);

            long stopping = System.nanoTime();
            server.stop();
            Await.until("the manager noticed the outage, and the event delivered", Duration.ofSeconds(10),
                    () -> state(registry, ConnectionPhase.RECONNECTING) == 1
                            && registry.get("pgkeeper.outages").counter().count() == 1);
            long noticed = System.nanoTime();
            assertThat(registry.get("pgkeeper.outages").counter().count()).isEqualTo(1);
            assertThat(registry.get("pgkeeper.outage.duration").longTaskTimer().activeTasks()).isEqualTo(1);

            int calls = 5;
            for (int i = 0; i < calls; i++) {
                long t = System.nanoTime();
                assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t)).as("fails fast").isLessThan(1_000);
            }
            double failedNetwork = registry.get("pgkeeper.calls.failed")
                    .tags("code", "NETWORK_ERROR", "datasource", "write").counter().count();
            assertThat(failedNetwork).isGreaterThanOrEqualTo(calls);
            assertThat(acquire(registry, "failure")).isGreaterThanOrEqualTo(calls);
            Thread.sleep(1_000); // an outage of a noticeable length
            assertThat(registry.get("pgkeeper.outage.duration").longTaskTimer().duration(TimeUnit.MILLISECONDS))
                    .as("the outage under way").isGreaterThanOrEqualTo(1_000);
            assertThat(registry.get("pgkeeper.recovery").timer().count()).isZero();

            long starting = System.nanoTime();
            server.start();
            // The state gauge reads the manager; the outage timer stops on the CONNECTED event, which listeners get
            // a moment later on the manager's event thread: wait for both.
            Await.until("connected again, and the event delivered", Duration.ofSeconds(15),
                    () -> state(registry, ConnectionPhase.CONNECTED) == 1
                            && registry.get("pgkeeper.outage.duration").longTaskTimer().activeTasks() == 0);
            long recovered = System.nanoTime();

            assertThat(registry.get("pgkeeper.outages").counter().count()).isEqualTo(1);
            assertThat(registry.get("pgkeeper.outage.duration").longTaskTimer().activeTasks()).isZero();
            var recovery = registry.get("pgkeeper.recovery").timer();
            assertThat(recovery.count()).isEqualTo(1);
            double recoveryMillis = recovery.totalTime(TimeUnit.MILLISECONDS);
            // The loss happened after "stopping" and by "noticed"; the recovery after "starting" and by "recovered".
            assertThat(recoveryMillis).isBetween((double) TimeUnit.NANOSECONDS.toMillis(starting - noticed),
                    (double) TimeUnit.NANOSECONDS.toMillis(recovered - stopping) + 50);
            for (ConnectionPhase p : ConnectionPhase.values()) {
                assertThat(state(registry, p)).as("state " + p).isEqualTo(p == ConnectionPhase.CONNECTED ? 1 : 0);
            }

            // HikariCP's gauges and timer, same series, now on the new pool.
            long acquiredBefore = registry.get("hikaricp.connections.acquire").tag("pool", "shop").timer().count();
            try (Connection held = ds.getConnection()) {
                assertThat(registry.get("hikaricp.connections.active").tag("pool", "shop").gauge().value()).isEqualTo(1);
                assertThat(registry.get("hikaricp.connections").tag("pool", "shop").gauge().value())
                        .isGreaterThanOrEqualTo(1);
            }
            assertThat(registry.get("hikaricp.connections.max").tag("pool", "shop").gauge().value()).isEqualTo(4);
            assertThat(registry.get("hikaricp.connections.acquire").tag("pool", "shop").timer().count())
                    .isEqualTo(acquiredBefore + 1);
            assertThat(registry.get("hikaricp.connections.active").tag("pool", "shop").gauge().value()).isZero();

            LOG.info("Outage figures: {} fail-fast calls counted as NETWORK_ERROR, outage noticed {} ms after the stop,"
                            + " time to recovery {} ms (server down {} ms, connected {} ms after the start)",
                    failedNetwork, TimeUnit.NANOSECONDS.toMillis(noticed - stopping), Math.round(recoveryMillis),
                    TimeUnit.NANOSECONDS.toMillis(starting - stopping), TimeUnit.NANOSECONDS.toMillis(recovered - starting));
            System.out.printf("OUTAGE FIGURES failed=%s noticedMs=%d recoveryMs=%d downMs=%d reconnectMs=%d%n", failedNetwork,
                    TimeUnit.NANOSECONDS.toMillis(noticed - stopping), Math.round(recoveryMillis),
                    TimeUnit.NANOSECONDS.toMillis(starting - stopping), TimeUnit.NANOSECONDS.toMillis(recovered - starting));
            assertThat(manager.getConnectionStatus().pool().active()).as("connections still lent out").isZero();
        } finally {
            server.start();
        }
        assertThat(registry.getMeters()).as("closing the binder removes its meters").isEmpty();
        TestThreads.assertNoPgkeeperThreads();
    }

    private static double state(SimpleMeterRegistry registry, ConnectionPhase phase) {
        return registry.get("pgkeeper.state").tag("state", phase.name()).gauge().value();
    }

    private static double acquire(SimpleMeterRegistry registry, String outcome) {
        return registry.get("pgkeeper.connections.acquire").tags("outcome", outcome, "datasource", "write").timer().count();
    }
}
