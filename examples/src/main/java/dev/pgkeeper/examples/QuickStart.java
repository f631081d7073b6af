package dev.pgkeeper.examples;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.ConnectionResult;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.HealthStatus;
import dev.pgkeeper.SystemHealthResult;
import dev.pgkeeper.examples.tracker.ApiServer;
import dev.pgkeeper.examples.tracker.HealthReport;
import dev.pgkeeper.examples.tracker.Migrations;
import dev.pgkeeper.examples.tracker.Project;
import dev.pgkeeper.examples.tracker.Task;
import dev.pgkeeper.examples.tracker.TrackerApp;
import dev.pgkeeper.examples.tracker.TrackerService;
import dev.pgkeeper.examples.tracker.User;
import dev.pgkeeper.testing.PrivateServer;
import java.util.Locale;

/**
 * Connects, migrates, creates and queries some data through the repositories, prints the health report and
 * the connection status, and disconnects. Uses {@code DATABASE_URL} when it is set; otherwise it starts an
 * embedded PostgreSQL 18 for the run and says so. Exits 0 when everything worked and the system reported
 * itself healthy, 1 otherwise (a configuration error, a database error, or a degraded health report).
 *
 * <pre>mvn -q -pl examples -am compile exec:exec</pre>
 */
public final class QuickStart {

    private QuickStart() {
    }

    public static void main(String[] args) throws Exception {
        String url = System.getenv(DatabaseConfig.DATABASE_URL);
        int exit;
        if (url == null || url.isBlank()) {
            try (PrivateServer embedded = PrivateServer.startNew()) {
                System.out.println("No DATABASE_URL set: started an embedded PostgreSQL 18 on 127.0.0.1:"
                        + embedded.port());
                exit = run(DatabaseConfig.builder().url(embedded.admin("postgres").url()).build());
            }
        } else {
            DatabaseConfig config;
            try {
                config = DatabaseConfig.fromEnvironment();
            } catch (DatabaseError e) {
                print("Bad configuration", e);
                System.exit(1);
                return;
            }
            exit = run(config);
        }
        System.exit(exit);
    }

    private static int run(DatabaseConfig config) throws Exception {
        ConnectionManager manager = ConnectionManager.create(config);
        try {
            System.out.println("Connecting to " + config.url());
            ConnectionResult connected = manager.initializeConnection();
            if (!connected.success()) {
                print("Cannot connect", connected.error());
                return 1;
            }
            System.out.println("Connected after " + connected.attempts() + " attempt(s)");
            System.out.println("Migrations applied now: " + Migrations.apply(manager));

            TrackerService tracker = new TrackerService(TrackerApp.client(manager));
            User ada = tracker.register("ada-" + System.nanoTime() + "@example.com", "Ada Lovelace");
            Project engine = tracker.createProject(ada.getId(), "Analytical Engine");
            tracker.addTask(engine.getId(), "Write the first program", ada.getId());
            Task notes = tracker.addTask(engine.getId(), "Translate Menabrea's notes", ada.getId());
            tracker.addTask(engine.getId(), "Order the cards", null);
            tracker.completeTask(notes.getId());
            System.out.println("Project '" + engine.getName() + "' (id " + engine.getId() + ") open tasks: "
                    + tracker.project(engine.getId()).getOpenTasks());
            for (Task t : tracker.tasks(engine.getId(), null, 0, 20)) {
                System.out.println("  task " + t.getId() + " [" + t.getStatus() + "] " + t.getTitle());
            }

            SystemHealthResult health = manager.checkSystemHealth();
            System.out.println("Health: " + ApiServer.json().writeValueAsString(HealthReport.of(health)));
            System.out.println("Status: " + manager.getConnectionStatus());
            return health.status() == HealthStatus.UP ? 0 : 1;
        } catch (DatabaseError e) {
            print("Failed", e);
            return 1;
        } finally {
            manager.disconnect();
            System.out.println("Disconnected");
        }
    }

    private static void print(String what, DatabaseError e) {
        System.out.println(what + ": " + e.code() + " (" + e.kind().name().toLowerCase(Locale.ROOT) + "): "
                + e.getMessage());
        e.troubleshootingSteps().forEach(step -> System.out.println("  - " + step));
    }
}
