package dev.pgkeeper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.testing.Await;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.PrivateServerTest;
import dev.pgkeeper.testing.TestThreads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A server that restarted between two liveness checks is recognised by its new start time, and the pool is
 * replaced without an outage being declared.
 */
@PrivateServerTest
class RestartDetectionIT {

    @Test
    void aRestartBetweenChecksReplacesThePoolWithoutAnOutage(PrivateServer server) throws Exception {
        List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
        try (ConnectionManager manager = ConnectionManager.create(TestConfigs.forUrl(server.admin("postgres").url())
                .reconnectInterval(Duration.ofDays(1)).build())) { // the check runs only when the test says
            manager.addListener(events::add);
            manager.initializeConnection();
            Jdbc.selectOne(manager.dataSource());
            // Let the pool finish filling: an attempt to open a connection during the restart would rightly
            // count as an outage, which is not what this test is about.
            Await.until("the pool is full", Duration.ofSeconds(5),
                    () -> manager.getConnectionStatus().pool().total() == manager.config().poolMinIdle());

            server.restart();
            manager.verifyConnectionNow();

            Await.until("the pool was replaced", Duration.ofSeconds(5),
                    () -> events.stream().filter(e -> e.type() == ConnectionEvent.Type.CONNECTED).count() == 2);
            assertThat(events).extracting(ConnectionEvent::type).doesNotContain(ConnectionEvent.Type.CONNECTION_LOST);
            assertThat(manager.isConnected()).isTrue();
            assertThat(TestThreads.pgkeeperThreads()).anyMatch(n -> n.startsWith("pgkeeper-default-2"));
            assertThat(Jdbc.selectOne(manager.dataSource())).isEqualTo(1);
        }
    }
}
