package dev.pgkeeper.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.examples.tracker.TrackerApp;
import dev.pgkeeper.testing.Await;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.PrivateServerTest;
import dev.pgkeeper.testing.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code /health} and the API while the private server is stopped, and after it is back. */
@PrivateServerTest
class HealthDownIT {

    private static final String PASSWORD = "Tr4cker-secret-pw";

    @Test
    void healthGoesDownWithTheServerAndComesBack(PrivateServer server) throws Exception {
        TestDatabase db = server.createLoginRole("tracker", PASSWORD, "postgres");
        server.execute("ALTER DATABASE postgres OWNER TO tracker");
        try (ConnectionManager manager = ConnectionManager.create(DatabaseConfig.builder().url(db.url())
                .connectionTimeout(Duration.ofSeconds(2)).probeTimeout(Duration.ofSeconds(1))
                .reconnectInterval(Duration.ofMillis(500)).build())) {
            assertThat(manager.initializeConnection().success()).isTrue();
            try (TrackerApp app = TrackerApp.start(manager, 0)) {
                Http http = new Http(app.baseUri());
                assertThat(http.get("/health").status()).isEqualTo(200);

                server.stop();
                Await.until("/health answers 503", Duration.ofSeconds(15), () -> status(http, "/health") == 503);
                Http.Reply down = http.get("/health");
                assertThat(down.json().get("status").asText()).isEqualTo("DOWN");
                assertThat(down.json().at("/checks/0/data/errorCode").asText()).isEqualTo("NETWORK_ERROR");
                Http.Reply write = http.post("/users", "{\"email\":\"x@example.com\",\"name\":\"X\"}");
                assertThat(write.status()).isEqualTo(503);
                assertThat(write.json().at("/error/code").asText()).isEqualTo("NETWORK_ERROR");
                assertThat(write.json().at("/error/temporary").asBoolean()).isTrue();
                assertThat(down.body() + write.body()).doesNotContain(PASSWORD).doesNotContain("\tat ");

                server.start();
                Await.until("/health answers 200 again", Duration.ofSeconds(15), () -> status(http, "/health") == 200);
                assertThat(http.post("/users", "{\"email\":\"y@example.com\",\"name\":\"Y\"}").status()).isEqualTo(201);

                // GET /metrics, Prometheus text format: one outage, its recovery, the calls refused meanwhile.
                Http.Reply metrics = http.get("/metrics");
                assertThat(metrics.status()).isEqualTo(200);
                assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                        t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
                assertThat(metrics.body())
                        .containsPattern("(?m)^pgkeeper_outages_total\\{manager=\"default\"\\} 1(\\.0)?$")
                        .containsPattern("(?m)^pgkeeper_recovery_seconds_count\\{manager=\"default\"\\} 1(\\.0)?$")
                        .containsPattern("(?m)^pgkeeper_state\\{manager=\"default\",state=\"CONNECTED\"\\} 1(\\.0)?$")
                        .containsPattern("(?m)^pgkeeper_calls_failed_total\\{code=\"NETWORK_ERROR\",datasource=\"write\",manager=\"default\"\\} [1-9]")
                        .containsPattern("(?m)^hikaricp_connections_max\\{pool=\"default\"\\} 10(\\.0)?$")
                        .doesNotContain(PASSWORD);
            }
            assertThat(manager.getConnectionStatus().pool().active()).as("connections still borrowed").isZero();
        }
    }

    private static int status(Http http, String path) {
        try {
            return http.get(path).status();
        } catch (Exception e) {
            return -1;
        }
    }
}
