package dev.pgkeeper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.testing.PostgresExtension;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestThreads;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server-side statement timeout is opt-in: what {@code SHOW statement_timeout} says on pooled
 * connections, with {@code DB_STATEMENT_TIMEOUT} unset and set. Several connections are held at once, so the
 * pool opens new ones besides the one the first probe proved.
 */
@ExtendWith(PostgresExtension.class)
class StatementTimeoutIT {

    private static final int CONNECTIONS = 3;

    private final TestDatabase db;
    private ConnectionManager manager;

    StatementTimeoutIT(TestDatabase db) {
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
    void withoutDbStatementTimeoutPooledConnectionsHaveNone() throws SQLException {
        String serverDefault = serverDefault();
        manager = ConnectionManager.create(TestConfigs.forDatabase(db).build());
        assertThat(manager.initializeConnection().success()).isTrue();

        assertThat(serverDefault).as("the test server's own default").isEqualTo("0");
        assertThat(statementTimeoutsOfPooledConnections()).hasSize(CONNECTIONS).containsOnly("0");
    }

    @Test
    void aConfiguredStatementTimeoutIsOnEveryPooledConnection() throws SQLException {
        manager = ConnectionManager.create(TestConfigs.forDatabase(db).statementTimeout(Duration.ofMillis(1500)).build());
        assertThat(manager.initializeConnection().success()).isTrue();

        assertThat(statementTimeoutsOfPooledConnections()).hasSize(CONNECTIONS).containsOnly("1500ms");
    }

    /** SHOW statement_timeout on {@value #CONNECTIONS} connections of the manager, all held at once. */
    private List<String> statementTimeoutsOfPooledConnections() throws SQLException {
        List<Connection> held = new ArrayList<>();
        try {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                Connection c = manager.dataSource().getConnection();
                held.add(c);
                values.add(show(c));
            }
            return values;
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }

    /** The setting on a plain pgjdbc connection without pgkeeper, to tell pgkeeper's doing from the server's. */
    private String serverDefault() throws SQLException {
        try (Connection c = db.connect()) {
            return show(c);
        }
    }

    private static String show(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW statement_timeout")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
