package dev.pgkeeper.examples;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.ConnectionResult;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.examples.tracker.TrackerApp;
import dev.pgkeeper.testing.PrivateServer;
import java.util.concurrent.CountDownLatch;
import org.apache.logging.log4j.LogManager;

/**
 * Serves the task tracker's API, its health endpoints and its metrics ({@code GET /metrics}, Prometheus text
 * format) until Ctrl-C, then shuts down in order: the HTTP
 * server stops taking requests, the manager disconnects within {@code DB_DISCONNECT_TIMEOUT}, the embedded
 * server (if any) stops, and logging is flushed last so nothing said during shutdown is lost.
 *
 * <p>Uses {@code DATABASE_URL}, or an embedded PostgreSQL when it is unset; listens on {@code HOST}
 * ({@code 127.0.0.1}) and {@code PORT} ({@code 8080}).
 *
 * <pre>mvn -q -pl examples -am compile exec:exec -Dexample=HealthServer</pre>
 */
public final class HealthServer {

    private HealthServer() {
    }

    public static void main(String[] args) throws Exception {
        String host = System.getenv().getOrDefault("HOST", "127.0.0.1");
        int port;
        try {
            port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080").trim());
            if (port < 0 || port > 65_535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            System.out.println("Cannot start: PORT must be a number from 0 to 65535 (0 picks a free port)");
            System.exit(2);
            return;
        }

        String url = System.getenv(DatabaseConfig.DATABASE_URL);
        DatabaseConfig config = null;
        if (url != null && !url.isBlank()) {
            try {
                config = DatabaseConfig.fromEnvironment();
            } catch (DatabaseError e) {
                fail("Bad configuration", e);
                System.exit(2);
                return;
            }
        }
        // Stopped by the shutdown hook below, after the manager has disconnected from it.
        PrivateServer embedded = config == null ? PrivateServer.startNew().stopOnlyWhenClosed() : null;
        if (embedded != null) {
            System.out.println("No DATABASE_URL set: started an embedded PostgreSQL 18 on 127.0.0.1:" + embedded.port());
            config = DatabaseConfig.builder().url(embedded.admin("postgres").url()).build();
        }

        ConnectionManager manager = ConnectionManager.create(config);
        TrackerApp app = null;
        try {
            ConnectionResult connected = manager.initializeConnection();
            if (!connected.success()) {
                throw connected.error();
            }
            app = TrackerApp.start(manager, host, port);
        } catch (DatabaseError e) {
            fail("Cannot start", e);
            shutdown(null, manager, embedded);
            System.exit(1);
            return;
        }
        System.out.println("Serving on " + app.baseUri() + " (GET /health, /health/ready, /health/live, /metrics);"
                + " Ctrl-C to stop");

        TrackerApp serving = app;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping: HTTP first, then the database connection");
            shutdown(serving, manager, embedded);
            stopped.countDown();
        }, "tracker-shutdown"));
        stopped.await();
    }

    private static void shutdown(TrackerApp app, ConnectionManager manager, PrivateServer embedded) {
        try {
            if (app != null) {
                app.close();
            }
            manager.disconnect();
            if (embedded != null) {
                embedded.close();
            }
        } finally {
            // log4j2.xml disables Log4j's own shutdown hook so that the lines above still reach the console.
            LogManager.shutdown();
        }
    }

    private static void fail(String what, DatabaseError e) {
        System.out.println(what + ": " + e.code() + ": " + e.getMessage());
        e.troubleshootingSteps().forEach(step -> System.out.println("  - " + step));
    }
}
