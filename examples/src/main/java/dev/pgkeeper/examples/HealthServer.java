package dev.pgkeeper.examples;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.ConnectionResult;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.examples.tracker.TrackerApp;
import dev.pgkeeper.testing.PrivateServer;
import java.util.concurrent.CountDownLatch;

/**
 * Serves the task tracker's API and {@code GET /health} until Ctrl-C, then shuts down gracefully: the HTTP
 * server stops taking requests first, then the manager disconnects within {@code DB_DISCONNECT_TIMEOUT}.
 * Uses {@code DATABASE_URL}, or an embedded PostgreSQL when it is unset; listens on {@code PORT} (8080).
 *
 * <pre>mvn -q -pl examples -am compile exec:exec -Dexample=HealthServer</pre>
 */
public final class HealthServer {

    private HealthServer() {
    }

    public static void main(String[] args) throws Exception {
        String url = System.getenv(DatabaseConfig.DATABASE_URL);
        PrivateServer embedded = url == null || url.isBlank() ? PrivateServer.startNew() : null;
        DatabaseConfig config = embedded == null ? DatabaseConfig.fromEnvironment()
                : DatabaseConfig.builder().url(embedded.admin("postgres").url()).build();
        if (embedded != null) {
            System.out.println("No DATABASE_URL set: started an embedded PostgreSQL 18 on 127.0.0.1:" + embedded.port());
        }
        ConnectionManager manager = ConnectionManager.create(config);
        ConnectionResult connected = manager.initializeConnection();
        if (!connected.success()) {
            DatabaseError e = connected.error();
            System.out.println("Cannot start: " + e.code() + ": " + e.getMessage());
            e.troubleshootingSteps().forEach(step -> System.out.println("  - " + step));
            manager.disconnect();
            System.exit(1);
        }
        String port = System.getenv().getOrDefault("PORT", "8080");
        TrackerApp app = TrackerApp.start(manager, Integer.parseInt(port));
        System.out.println("Serving on " + app.baseUri() + " (GET /health); Ctrl-C to stop");

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping: HTTP first, then the database connection");
            app.close();
            manager.disconnect();
            if (embedded != null) {
                embedded.close();
            }
            stopped.countDown();
        }, "tracker-shutdown"));
        stopped.await();
    }
}
