package dev.pgkeeper.examples;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.ConnectionResult;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.examples.tracker.ApiServer;
import dev.pgkeeper.examples.tracker.HealthReport;
import dev.pgkeeper.examples.tracker.Migrations;
import dev.pgkeeper.examples.tracker.Project;
import dev.pgkeeper.examples.tracker.Task;
import dev.pgkeeper.examples.tracker.TrackerApp;
import dev.pgkeeper.examples.tracker.TrackerService;
import dev.pgkeeper.examples.tracker.User;
import dev.pgkeeper.testing.PrivateServer;

/**
 * Connects, migrates, creates and queries some data through the repositories, prints the health report and
 * the connection status, disconnects and exits 0. Uses {@code DATABASE_URL} when it is set; otherwise it
 * starts an embedded PostgreSQL 18 for the run and says so.
 *
 * <pre>mvn -q -pl examples -am compile exec:exec</pre>
 */
public final class QuickStart {

    private QuickStart() {
    }

    public static void main(String[] args) throws Exception {
        String url = System.getenv(DatabaseConfig.DATABASE_URL);
        PrivateServer embedded = null;
        DatabaseConfig config;
        if (url == null || url.isBlank()) {
            embedded = PrivateServer.startNew();
            System.out.println("No DATABASE_URL set: started an embedded PostgreSQL 18 on 127.0.0.1:" + embedded.port());
            config = DatabaseConfig.builder().url(embedded.admin("postgres").url()).build();
        } else {
            config = DatabaseConfig.fromEnvironment();
        }
        int exit = run(config);
        if (embedded != null) {
            embedded.close();
        }
        System.exit(exit);
    }

    private static int run(DatabaseConfig config) throws Exception {
        ConnectionManager manager = ConnectionManager.create(config);
        try {
            System.out.println("Connecting to " + config.sanitizedUrl());
            ConnectionResult connected = manager.initializeConnection();
            if (!connected.success()) {
                print(connected.error());
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

            System.out.println("Health: " + ApiServer.json().writeValueAsString(HealthReport.of(manager.checkSystemHealth())));
            System.out.println("Status: " + manager.getConnectionStatus());
            return 0;
        } catch (DatabaseError e) {
            print(e);
            return 1;
        } finally {
            manager.disconnect();
            System.out.println("Disconnected");
        }
    }

    private static void print(DatabaseError e) {
        System.out.println("Failed: " + e.code() + " (" + e.kind().name().toLowerCase(java.util.Locale.ROOT) + "): "
                + e.getMessage());
        e.troubleshootingSteps().forEach(step -> System.out.println("  - " + step));
    }
}
