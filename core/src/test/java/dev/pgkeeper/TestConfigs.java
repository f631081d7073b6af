package dev.pgkeeper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestThreads;
import java.time.Duration;

/** Configurations for tests against real servers: short timeouts, so failures show quickly. */
public final class TestConfigs {

    private TestConfigs() {
    }

    /** A builder for {@code db} with test timeouts. */
    public static DatabaseConfig.Builder forDatabase(TestDatabase db) {
        return forUrl(db.url());
    }

    /** A builder for {@code url} with test timeouts. */
    public static DatabaseConfig.Builder forUrl(String url) {
        return DatabaseConfig.builder()
                .url(url)
                .poolSize(4)
                .maxRetries(2)
                .retryBaseDelay(Duration.ofMillis(20))
                .connectionTimeout(Duration.ofSeconds(2))
                .probeTimeout(Duration.ofSeconds(1))
                .reconnectInterval(Duration.ofMillis(500))
                .disconnectTimeout(Duration.ofSeconds(5));
    }

    /**
     * The end of a test that used {@code manager}: every lent connection came back, the manager disconnects (also
     * when they did not), and no pgkeeper thread is left.
     */
    public static void disconnectChecked(ConnectionManager manager) {
        try {
            assertAllConnectionsReturned(manager);
        } finally {
            manager.disconnect();
        }
        TestThreads.assertNoPgkeeperThreads();
    }

    /** Every connection lent by the manager's pool has come back (OkHttp's ensureAllConnectionsReleased). */
    public static void assertAllConnectionsReturned(ConnectionManager manager) {
        assertThat(manager.getConnectionStatus().pool().active())
                .as("connections still lent out by %s", manager).isZero();
    }
}
