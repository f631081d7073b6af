package dev.pgkeeper.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.testing.Await;
import dev.pgkeeper.testing.PostgresExtension;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestThreads;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HikariCP's Micrometer gauges keep reporting, under the same series, after the manager replaced its pool: the
 * case HikariCP's tracker alone gets wrong (a second pool registered under the same name gets the first pool's
 * meters back, and the first pool's close removes them).
 */
@ExtendWith(PostgresExtension.class)
class PoolReplacementMetricsIT {

    @Test
    void gaugesFollowTheNewPoolAfterReconnectAndSurviveTheOldPoolsClose(TestDatabase db) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ConnectionManager manager = ConnectionManager.create(DatabaseConfig.builder().url(db.url()).name("replaced")
                .poolSize(3).connectionTimeout(Duration.ofSeconds(2)).build());
             ConnectionManagerMetrics metrics = new ConnectionManagerMetrics(manager)) {
            assertThat(manager.initializeConnection().success()).isTrue();
            metrics.bindTo(registry); // after the first pool started
            Connection onOldPool = manager.dataSource().getConnection();
            assertThat(active(registry)).isEqualTo(1);

            assertThat(manager.reconnect().success()).isTrue();
            try (Connection a = manager.dataSource().getConnection(); Connection b = manager.dataSource().getConnection()) {
                assertThat(active(registry)).as("the new pool's two, not the old pool's one").isEqualTo(2);
            }
            onOldPool.close(); // the old pool, now quiet, closes: its tracker must remove nothing
            Await.until("the old pool closed", Duration.ofSeconds(5), () -> TestThreads.pgkeeperThreads().stream()
                    .noneMatch(n -> n.startsWith("pgkeeper-replaced-1")));

            try (Connection c = manager.dataSource().getConnection()) {
                assertThat(active(registry)).isEqualTo(1);
                assertThat(registry.get("hikaricp.connections.max").tag("pool", "replaced").gauge().value()).isEqualTo(3);
            }
            assertThat(registry.find("hikaricp.connections.active").gauges()).as("one series").hasSize(1);
            assertThat(registry.get("hikaricp.connections.acquire").tag("pool", "replaced").timer().count())
                    .as("borrows from both pools").isEqualTo(4);
            assertThat(registry.get("hikaricp.connections.usage").tag("pool", "replaced").timer().count()).isEqualTo(4);
            assertThat(registry.get("pgkeeper.outages").counter().count()).as("a reconnect is no outage").isZero();
            assertThat(manager.getConnectionStatus().pool().active()).isZero();
        }
        TestThreads.assertNoPgkeeperThreads();
    }

    private static double active(SimpleMeterRegistry registry) {
        return registry.get("hikaricp.connections.active").tag("pool", "replaced").gauge().value();
    }
}
