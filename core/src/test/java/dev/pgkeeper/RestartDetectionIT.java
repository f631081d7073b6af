package dev.pgkeeper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.testing.Await;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.PrivateServerTest;
import dev.pgkeeper.testing.TestThreads;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A server that restarted between two liveness checks is recognised (same system identifier, address and
 * port, new start time): the pool drops the connections it had, and no outage is declared and no pool is
 * replaced. Round one replaced the pool, which then aborted healthy connections 30 s later.
 */
@PrivateServerTest
class RestartDetectionIT {

    @Test
    void aRestartBetweenChecksDropsTheStaleConnectionsWithoutReplacingThePool(PrivateServer server) throws Exception {
        List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
        try (ConnectionManager manager = ConnectionManager.create(TestConfigs.forUrl(server.admin("postgres").url())
                .poolMinIdle(4).reconnectInterval(Duration.ofDays(1)).build())) { // the check runs when the test says
            manager.addListener(events::add);
            manager.initializeConnection();
            Await.until("the pool is full", Duration.ofSeconds(5),
                    () -> manager.getConnectionStatus().pool().idle() == 4);

            server.restart();
            manager.verifyConnectionNow();

            // Every connection lent now works at once: the stale ones were dropped, not handed out.
            List<Connection> lent = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Connection c = manager.dataSource().getConnection();
                    lent.add(c);
                    try (var st = c.createStatement(); var rs = st.executeQuery("SELECT 1")) {
                        assertThat(rs.next()).isTrue();
                    }
                }
            } finally {
                for (Connection c : lent) {
                    c.close();
                }
            }
            assertThat(events).extracting(ConnectionEvent::type)
                    .as("one pool, no outage").containsExactly(ConnectionEvent.Type.CONNECTED,
                            ConnectionEvent.Type.SERVER_RESTARTED);
            assertThat(manager.isConnected()).isTrue();
            assertThat(TestThreads.pgkeeperThreads()).noneMatch(n -> n.startsWith("pgkeeper-default-2"));
        }
    }
}
