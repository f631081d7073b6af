package dev.pgkeeper.examples;

import dev.pgkeeper.ConnectionEvent;
import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.ConnectionResult;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * Shows, against a private PostgreSQL it starts and breaks itself, what pgkeeper does when the database
 * misbehaves: a start while the server is down (retries with backoff, then the reconnect loop), a restart
 * while serving (failures categorized, recovery timed), and a wrong password (AUTH_FAILED, not retried).
 * Every error is printed with its troubleshooting steps.
 *
 * <pre>mvn -q -pl examples -am compile exec:exec -Dexample=ResilienceDemo</pre>
 */
public final class ResilienceDemo {

    private ResilienceDemo() {
    }

    public static void main(String[] args) throws Exception {
        try (PrivateServer server = PrivateServer.create()) {
            startWhileDown(server);
            restartWhileServing(server);
            wrongPassword(server);
        }
        System.exit(0);
    }

    private static void startWhileDown(PrivateServer server) throws Exception {
        heading("1. Starting while PostgreSQL is down");
        try (ConnectionManager manager = ConnectionManager.create(config(server.admin("postgres").url())
                .maxRetries(3).retryBaseDelay(Duration.ofMillis(200)).reconnectInterval(Duration.ofSeconds(1)).build())) {
            manager.addListener(ResilienceDemo::print);
            ConnectionResult result = manager.initializeConnection();
            System.out.println("initializeConnection() returned after " + result.attempts() + " attempts, "
                    + result.duration().toMillis() + " ms, without throwing:");
            print(result.error());
            System.out.println("Now starting PostgreSQL; the reconnect loop (every 1 s) will find it");
            server.start();
            long start = System.nanoTime();
            while (!manager.isConnected()) {
                Thread.sleep(20);
            }
            System.out.println("Connected " + (System.nanoTime() - start) / 1_000_000 + " ms after the server started");
        }
    }

    private static void restartWhileServing(PrivateServer server) throws Exception {
        heading("2. Restarting PostgreSQL while serving");
        try (ConnectionManager manager = ConnectionManager.create(config(server.admin("postgres").url()).build())) {
            manager.addListener(ResilienceDemo::print);
            manager.initializeConnection();
            DataSource ds = manager.dataSource();
            query(ds);
            server.stop();
            long down = System.nanoTime();
            System.out.println("PostgreSQL stopped; calling it every 50 ms");
            Thread restarter = new Thread(() -> {
                sleep(1_000);
                server.start();
                System.out.println("PostgreSQL started again");
            });
            restarter.start();
            String lastCode = null;
            while (true) {
                long start = System.nanoTime();
                try {
                    query(ds);
                    System.out.println("Query succeeded " + (System.nanoTime() - down) / 1_000_000
                            + " ms after the server went down");
                    break;
                } catch (SQLException e) {
                    DatabaseError error = manager.categorize(e);
                    if (!error.code().name().equals(lastCode)) {
                        System.out.println("Query failed in " + (System.nanoTime() - start) / 1_000_000 + " ms:");
                        print(error);
                        lastCode = error.code().name();
                    }
                }
                sleep(50);
            }
            restarter.join();
        }
    }

    private static void wrongPassword(PrivateServer server) {
        heading("3. A wrong password");
        TestDatabase app = server.createLoginRole("demo_app", "the-right-password", "postgres");
        try (ConnectionManager manager = ConnectionManager.create(config(app.as("demo_app", "a-wrong-password").url())
                .maxRetries(3).build())) {
            ConnectionResult result = manager.initializeConnection();
            System.out.println("initializeConnection() gave up after " + result.attempts() + " attempt (not retried):");
            print(result.error());
        }
    }

    private static DatabaseConfig.Builder config(String url) {
        return DatabaseConfig.builder().url(url).connectionTimeout(Duration.ofSeconds(2));
    }

    private static void query(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
        }
    }

    private static void print(ConnectionEvent e) {
        System.out.println("  event " + e.type() + (e.nextDelay() == null ? "" : ", next try in " + e.nextDelay().toMillis() + " ms")
                + (e.error() == null ? "" : ": " + e.error().code()));
    }

    private static void print(DatabaseError e) {
        System.out.println("  " + e.code() + " (" + e.kind().name().toLowerCase(Locale.ROOT) + "): " + e.getMessage());
        e.troubleshootingSteps().forEach(step -> System.out.println("    - " + step));
    }

    private static void heading(String title) {
        System.out.println();
        System.out.println("== " + title);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
