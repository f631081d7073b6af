package dev.pgkeeper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.PostgresExtension;
import dev.pgkeeper.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Property 12 against a real server: the facade behaves exactly as the manager it fronts. */
@ExtendWith(PostgresExtension.class)
class DatabaseFacadeIT {

    @AfterEach
    void reset() {
        ConnectionManager.resetInstance();
        ConnectionManager.instanceConfig = DatabaseConfig::fromEnvironment;
    }

    @Test
    void disconnectDatabaseDisconnectsTheSingleton(TestDatabase db) throws Exception {
        ConnectionManager.instanceConfig = () -> TestConfigs.forDatabase(db).build();
        ConnectionManager manager = Database.getConnectionManager();
        assertThat(manager.initializeConnection().success()).isTrue();
        assertThat(Jdbc.selectOne(manager.dataSource())).isEqualTo(1);

        Database.disconnectDatabase();

        assertThat(ConnectionManager.getInstance()).isSameAs(manager);
        assertThat(manager.getConnectionStatus().phase()).isEqualTo(ConnectionPhase.DISCONNECTED);
    }

    @Test
    void disconnectDatabaseWithoutAnInstanceCreatesNone() {
        ConnectionManager.instanceConfig = () -> {
            throw new AssertionError("no instance should be created");
        };

        Database.disconnectDatabase();

        assertThat(ConnectionManager.existingInstance()).isNull();
    }
}
