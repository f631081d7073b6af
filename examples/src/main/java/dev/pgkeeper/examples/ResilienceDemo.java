package dev.pgkeeper.examples;

import dev.pgkeeper.ConnectionEvent;
import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.ConnectionResult;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;
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

    /** How long each scene may take before the demo gives up and exits 1. */
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    /** Events arrive on the manager's event thread; they are printed in order at fixed points of the story. */
    private static final BlockingQueue<ConnectionEvent> EVENTS = new LinkedBlockingQueue<>();

    public static void main(String[] args) throws Exception {
        int exit = 0;
        try (PrivateServer server = PrivateServer.create()) {
            startWhileDown(server);
            restartWhileServing(server);
            wrongPassword(server);
        } catch (TimeoutException e) {
            System.out.println("Gave up: " + e.getMessage());
            exit = 1;
        }
        System.exit(exit);
    }

    private static void startWhileDown(PrivateServer server) throws Exception {
        heading("1. Starting while PostgreSQL is down");
        try (ConnectionManager manager = ConnectionManager.create(config(server.admin("postgres").url())
                .maxRetries(3).retryBaseDelay(Duration.ofMillis(200)).reconnectInterval(Duration.ofSeconds(1)).build())) {
            manager.addListener(EVENTS::add);
            ConnectionResult result = manager.initializeConnection();
            printEvents();
            System.out.println("initializeConnection() returned after " + attempts(result.attempts()) + ", "
                    + result.duration().toMillis() + " ms, without throwing:");
            print(result.error());
            System.out.println("Now starting PostgreSQL; the reconnect loop (every 1 s) will find it");
            server.start();
            long start = System.nanoTime();
            long deadline = start + DEADLINE.toNanos();
            while (!manager.isConnected()) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("not reconnected within " + DEADLINE.toSeconds() + " s of the server starting");
                }
                Thread.sleep(20);
            }
            long took = (System.nanoTime() - start) / 1_000_000;
            printEvents();
            System.out.println("Connected " + took + " ms after the server started");
        }
        printEvents();
    }

    private static void restartWhileServing(PrivateServer server) throws Exception {
        heading("2. Restarting PostgreSQL while serving");
        try (ConnectionManager manager = ConnectionManager.create(config(server.admin("postgres").url()).build())) {
            manager.addListener(EVENTS::add);
            ConnectionResult connected = manager.initializeConnection();
            if (!connected.success()) {
                throw connected.error();
            }
            DataSource ds = manager.dataSource();
            query(ds);
            printEvents();
            server.stop();
            long down = System.nanoTime();
            System.out.println("PostgreSQL stopped; calling it every 50 ms, restarting it after 1 s");
            long deadline = down + DEADLINE.toNanos();
            boolean restarted = false;
            ErrorCode lastCode = null;
            while (true) {
                if (!restarted && System.nanoTime() - down > 1_000_000_000L) {
                    printEvents();
                    server.start();
                    System.out.println("PostgreSQL started again " + (System.nanoTime() - down) / 1_000_000
                            + " ms after it went down");
                    restarted = true;
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("queries still failing " + DEADLINE.toSeconds() + " s after the restart began");
                }
                long start = System.nanoTime();
                try {
                    query(ds);
                    long took = (System.nanoTime() - down) / 1_000_000;
                    printEvents();
                    System.out.println("Query succeeded " + took + " ms after the server went down");
                    break;
                } catch (SQLException e) {
                    DatabaseError error = manager.categorize(e);
                    if (error.code() != lastCode) {
                        printEvents();
                        System.out.println("Query failed in " + (System.nanoTime() - start) / 1_000_000
                                + " ms (later identical failures not shown):");
                        print(error);
                        lastCode = error.code();
                    }
                }
                Thread.sleep(50);
            }
        }
        printEvents();
    }

    private static void wrongPassword(PrivateServer server) {
        heading("3. A wrong password");
        TestDatabase app = server.createLoginRole("demo_app", "the-right-password", "postgres");
        try (ConnectionManager manager = ConnectionManager.create(config(app.as("demo_app", "a-wrong-password").url())
                .maxRetries(3).build())) {
            ConnectionResult result = manager.initializeConnection();
            System.out.println("initializeConnection() gave up after " + attempts(result.attempts())
                    + (result.attempts() == 1 ? " (an authentication failure is not retried)" : "") + ":");
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

    private static String attempts(int n) {
        return n + (n == 1 ? " attempt" : " attempts");
    }

    private static void printEvents() throws InterruptedException {
        // Give the event thread a moment to deliver what has already happened, then print it in order.
        Thread.sleep(50);
        for (ConnectionEvent e; (e = EVENTS.poll()) != null; ) {
            print(e);
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
}
