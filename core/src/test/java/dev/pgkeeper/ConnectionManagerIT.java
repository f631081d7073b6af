package dev.pgkeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeeper.testing.PostgresExtension;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestThreads;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class ConnectionManagerIT {

    private final TestDatabase db;
    private ConnectionManager manager;

    ConnectionManagerIT(TestDatabase db) {
        this.db = db;
    }

    @AfterEach
    void tearDown() {
        if (manager != null) {
            try {
                TestConfigs.assertAllConnectionsReturned(manager);
            } finally {
                manager.disconnect();
            }
            TestThreads.assertNoPgkeeperThreads();
        }
    }

    @Test
    void connectsProvesTheConnectionAndReportsStatus() throws SQLException {
        manager = ConnectionManager.create(TestConfigs.forDatabase(db).build());
        Instant before = Instant.now();

        ConnectionResult result = manager.initializeConnection();

        assertThat(result.success()).as("%s", result).isTrue();
        assertThat(result.error()).isNull();
        assertThat(manager.isConnected()).isTrue();
        ConnectionStatus status = manager.getConnectionStatus();
        assertThat(status.connected()).isTrue();
        assertThat(status.phase()).isEqualTo(ConnectionPhase.CONNECTED);
        assertThat(status.lastConnectedAt()).isBetween(before, Instant.now());
        assertThat(status.lastErrorCode()).isNull();
        assertThat(status.retryCount()).isZero();
        assertThat(status.reconnectScheduled()).isFalse();
        assertThat(status.url()).isEqualTo(manager.config().url());
        assertThat(selectOne(manager.dataSource())).isEqualTo(1);
    }

    @Test
    void initializeWhenConnectedIsACheapSuccess() {
        manager = ConnectionManager.create(TestConfigs.forDatabase(db).build());
        manager.initializeConnection();

        ConnectionResult again = manager.initializeConnection();

        assertThat(again.success()).isTrue();
        assertThat(again.attempts()).isZero();
    }

    @Test
    void healthReportsUpWithVersionRoleAndLatency() {
        manager = ConnectionManager.create(TestConfigs.forDatabase(db).build());
        manager.initializeConnection();

        DatabaseHealthResult health = manager.checkHealth();

        assertThat(health.status()).as("%s", health).isEqualTo(HealthStatus.UP);
        assertThat(health.role()).isEqualTo(ServerRole.PRIMARY);
        assertThat(health.serverVersion()).isNotBlank();
        assertThat(health.latencyMillis()).isGreaterThanOrEqualTo(0);
        assertThat(health.errorCode()).isNull();
        SystemHealthResult system = manager.checkSystemHealth();
        assertThat(system.status()).isEqualTo(HealthStatus.UP);
        assertThat(system.uptimeMillis()).isPositive();
        assertThat(system.heapUsedBytes()).isPositive();
    }

    @Test
    void reconnectSwapsThePoolBehindTheSameDataSource() throws SQLException {
        manager = ConnectionManager.create(TestConfigs.forDatabase(db).build());
        java.util.List<ConnectionEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        manager.addListener(events::add);
        manager.initializeConnection();
        DataSource ds = manager.dataSource();
        assertThat(selectOne(ds)).isEqualTo(1);

        ConnectionResult result = manager.reconnect();

        assertThat(result.success()).isTrue();
        assertThat(manager.dataSource()).isSameAs(ds);
        assertThat(selectOne(ds)).isEqualTo(1);
        dev.pgkeeper.testing.Await.until("a second CONNECTED event", Duration.ofSeconds(5),
                () -> events.stream().filter(e -> e.type() == ConnectionEvent.Type.CONNECTED).count() == 2);
        assertThat(TestThreads.pgkeeperThreads()).as("the new pool's threads")
                .anyMatch(name -> name.startsWith("pgkeeper-default-2"));
    }

    @Test
    void dataSourceBeforeInitializationFailsWithNotInitialized() {
        manager = ConnectionManager.create(TestConfigs.forDatabase(db).build());

        assertThatThrownBy(manager::dataSource)
                .isInstanceOfSatisfying(DatabaseError.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_INITIALIZED);
                    assertThat(e.getMessage()).contains("initializeConnection()");
                });
    }

    @Test
    void disconnectIsIdempotentAndInitializeWorksAgain() throws SQLException {
        manager = ConnectionManager.create(TestConfigs.forDatabase(db).build());
        manager.initializeConnection();
        DataSource ds = manager.dataSource();

        manager.disconnect();
        manager.disconnect();

        assertThat(manager.isConnected()).isFalse();
        assertThat(manager.getConnectionStatus().phase()).isEqualTo(ConnectionPhase.DISCONNECTED);
        assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class)
                .hasCauseInstanceOf(DatabaseError.class)
                .hasMessageContaining("disconnected");
        TestThreads.assertNoPgkeeperThreads();

        assertThat(manager.initializeConnection().success()).isTrue();
        assertThat(manager.dataSource()).isSameAs(ds);
        assertThat(selectOne(ds)).isEqualTo(1);
    }

    static int selectOne(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
