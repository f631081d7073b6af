package dev.pgkeeper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.testing.PostgresExtension;
import dev.pgkeeper.testing.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Property 11: connectivity is proven by a real round trip. A port that accepts TCP connections but is not
 * PostgreSQL must not count as connected, although a pool could be built for it.
 */
@ExtendWith(PostgresExtension.class)
class RoundTripIT {

    @Test
    void aListenerThatIsNotPostgresIsNotAConnection() throws Exception {
        try (ServerSocket impostor = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!impostor.isClosed()) {
                    try (Socket s = impostor.accept()) {
                        s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes());
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (ConnectionManager manager = ConnectionManager.create(TestConfigs.forUrl(
                    "postgresql://postgres@127.0.0.1:" + impostor.getLocalPort() + "/postgres").maxRetries(0).build())) {

                ConnectionResult result = manager.initializeConnection();

                assertThat(result.success()).isFalse();
                assertThat(manager.isConnected()).isFalse();
                assertThat(result.error().isTemporary()).isTrue();
            }
        }
    }

    @Test
    void connectedMeansTheServerAnswered(TestDatabase db) throws Exception {
        try (ConnectionManager manager = ConnectionManager.create(TestConfigs.forDatabase(db).build())) {
            assertThat(manager.initializeConnection().success()).isTrue();

            assertThat(manager.checkHealth().isUp()).isTrue();
            assertThat(manager.getConnectionStatus().pool().total()).isPositive();
        }
    }
}
