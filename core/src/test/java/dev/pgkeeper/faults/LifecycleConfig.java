package dev.pgkeeper.faults;

import dev.pgkeeper.ConnectionEvent;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.TestConfigs;
import java.util.List;

/**
 * The configuration the lifecycle fault tests (issue 9) share, and small helpers over events. Pool of 4 to 8
 * connections, connection timeout 2 s, probe timeout 1 s, reconnect interval 500 ms (TestConfigs' values);
 * a test that needs another value says so and why.
 */
final class LifecycleConfig {

    private LifecycleConfig() {
    }

    static DatabaseConfig.Builder forUrl(String url) {
        return TestConfigs.forUrl(url).poolSize(8).poolMinIdle(4);
    }

    static String url(String host, int port) {
        return "postgresql://postgres@" + host + ":" + port + "/postgres";
    }

    static long count(List<ConnectionEvent> events, ConnectionEvent.Type type) {
        return events.stream().filter(e -> e.type() == type).count();
    }

    /** Event types in order, for messages. */
    static List<ConnectionEvent.Type> types(List<ConnectionEvent> events) {
        return events.stream().map(ConnectionEvent::type).toList();
    }
}
