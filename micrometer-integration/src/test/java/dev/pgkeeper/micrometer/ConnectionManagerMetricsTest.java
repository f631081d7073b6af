package dev.pgkeeper.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The meters a binding registers, without a server. */
class ConnectionManagerMetricsTest {

    private static ConnectionManager manager() {
        return ConnectionManager.create(DatabaseConfig.builder().url("postgresql://app@127.0.0.1:1/app").name("orders")
                .poolSize(7).build());
    }

    @Test
    void bindingRegistersEveryMeterUnderTheManagersNameAndCloseRemovesThemAll() {
        try (ConnectionManager manager = manager()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ConnectionManagerMetrics metrics = new ConnectionManagerMetrics(manager, Tags.of("app", "shop"));
            metrics.bindTo(registry);

            assertThat(registry.get("pgkeeper.state").tags("manager", "orders", "app", "shop", "state", "NOT_INITIALIZED")
                    .gauge().value()).isEqualTo(1);
            assertThat(registry.get("pgkeeper.state").tag("state", "CONNECTED").gauge().value()).isZero();
            assertThat(registry.get("pgkeeper.state").gauges()).hasSize(6);
            assertThat(registry.get("pgkeeper.outages").counter().count()).isZero();
            assertThat(registry.get("pgkeeper.outage.duration").longTaskTimer().activeTasks()).isZero();
            assertThat(registry.get("pgkeeper.recovery").timer().count()).isZero();
            assertThat(registry.get("pgkeeper.connections.acquire").timers()).hasSize(4);
            assertThat(registry.get("pgkeeper.server.restarts").counter().count()).isZero();
            assertThat(registry.get("pgkeeper.primary.changes").counter().count()).isZero();
            assertThat(registry.get("pgkeeper.host.role").tags("host", "127.0.0.1:1", "role", "UNKNOWN").gauge())
                    .isNotNull();
            // HikariCP's own pool meters, under the manager's name, before any pool exists.
            assertThat(registry.get("hikaricp.connections.max").tag("pool", "orders").gauge().value()).isEqualTo(7);
            assertThat(registry.get("hikaricp.connections").tag("pool", "orders").gauge().value()).isZero();
            assertThat(registry.find("pgkeeper.calls.failed").counters()).as("appear with a first failure").isEmpty();

            metrics.close();
            assertThat(registry.getMeters()).extracting(Meter::getId).isEmpty();
            metrics.close();
        }
    }

    @Test
    void aCallBeforeInitializationIsAFailedCallWithItsCode() {
        try (ConnectionManager manager = manager(); ConnectionManagerMetrics metrics = new ConnectionManagerMetrics(manager)) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            metrics.bindTo(registry);
            manager.initializeConnection(java.time.Duration.ZERO);
            var ds = manager.dataSource();
            manager.disconnect();

            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class);

            assertThat(registry.get("pgkeeper.calls.failed").tags("code", "NOT_INITIALIZED", "datasource", "write")
                    .counter().count()).isEqualTo(1);
            assertThat(registry.get("pgkeeper.connections.acquire").tags("outcome", "failure", "datasource", "write")
                    .timer().count()).isEqualTo(1);
        }
    }
}
