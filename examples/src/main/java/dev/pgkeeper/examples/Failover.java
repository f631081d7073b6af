package dev.pgkeeper.examples;

import dev.pgkeeper.ConnectionEvent;
import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.ConnectionPhase;
import dev.pgkeeper.ConnectionResult;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.HostStatus;
import dev.pgkeeper.ServerRole;
import dev.pgkeeper.testing.PatroniCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Shows what an application on pgkeeper sees when its PostgreSQL primary moves to another server. It starts a
 * real two-node cluster (etcd and two Patroni nodes, synchronous replication) on loopback, connects one
 * {@link ConnectionManager} to both hosts with {@code target_session_attrs=read-write}, and runs four writer
 * threads through {@link ConnectionManager#dataSource()} and two reader threads through
 * {@link ConnectionManager#readDataSource()} while Patroni switches the primary to the other node. It prints
 * the manager's events as they happen, {@link ConnectionManager#hosts()} before and after, the failed writes by
 * error code and SQLState, how long the writers saw no success, where the reads went, and whether every
 * acknowledged write is on the new primary. The last line is a one-line summary; the program exits 0 when no
 * acknowledged write was lost and writes came back, 1 otherwise.
 *
 * <p>Needs Debian's {@code patroni} and {@code etcd-server} packages and a PostgreSQL server package (Patroni
 * only suggests one); without them it says what to install and exits 1. It takes about 20 s, most of it
 * starting the cluster, which lives in a temp folder and is removed at the end.
 *
 * <pre>mvn -q -pl examples -am compile exec:exec -Dexample=Failover</pre>
 */
public final class Failover {

    private Failover() {
    }

    private static final int WRITERS = 4;
    private static final int READERS = 2;
    /** Writing goes on this long before the switchover is requested, and this long after it completed. */
    private static final Duration BEFORE = Duration.ofSeconds(1);
    private static final Duration AFTER = Duration.ofSeconds(2);
    /** Pauses of the workers: between writes, between reads, after a failure. */
    private static final long WRITE_PAUSE_MS = 5;
    private static final long READ_PAUSE_MS = 10;
    private static final long FAILURE_PAUSE_MS = 20;
    /** How long to wait for the manager's view of the hosts to settle before printing it. */
    private static final Duration SETTLE = Duration.ofSeconds(15);

    /** Program start, the zero of every printed time offset. */
    private static final long T0 = System.nanoTime();

    public static void main(String[] args) throws Exception {
        String missing = missingPackages();
        if (!missing.isEmpty()) {
            System.out.println("Failover runs a real PostgreSQL cluster with Patroni and etcd from Debian's packages,"
                    + " but these are not installed: " + missing + ". Install them with:");
            System.out.println("  apt-get install patroni etcd-server postgresql");
            System.out.println("(as root, or with sudo), then run this example again.");
            System.exit(1);
        }
        // HikariCP logs a stack trace for every pooled connection the old primary terminates (57P01); pgkeeper
        // reports the same failures as events and categorized errors, which is what this example shows.
        Configurator.setLevel("com.zaxxer.hikari.pool.ProxyConnection", Level.ERROR);
        boolean ok;
        PatroniCluster cluster = null;
        ConnectionManager manager = null;
        try {
            say("Starting etcd and 2 Patroni nodes of PostgreSQL (synchronous replication) on 127.0.0.1 ...");
            cluster = PatroniCluster.start();
            say("Cluster up: primary " + address(cluster.leader()) + ", standby " + address(cluster.replica()));
            manager = ConnectionManager.create(DatabaseConfig.builder()
                    .url(cluster.url())
                    .name("failover")
                    .poolSize(4)
                    .connectionTimeout(Duration.ofSeconds(2))
                    .maxReplicaLag(Duration.ofMillis(500))
                    .replicaCheckInterval(Duration.ofMillis(200))
                    .build());
            ok = run(cluster, manager);
        } catch (IllegalStateException e) {
            // The fixture's failures (a cluster that did not start or switch over) carry the servers' log tails.
            say("Gave up: " + e.getMessage());
            ok = false;
        } catch (DatabaseError | SQLException e) {
            DatabaseError error = e instanceof DatabaseError de ? de : manager.categorize(e);
            say("Gave up: " + error.code() + ": " + error.getMessage());
            error.troubleshootingSteps().forEach(step -> System.out.println("    - " + step));
            ok = false;
        } finally {
            if (manager != null) {
                manager.close();
            }
            if (cluster != null) {
                say("Stopping the cluster");
                cluster.close();
            }
        }
        if (!ok) {
            System.exit(1);
        }
        // Success returns from main: the JVM ends only if no thread of pgkeeper or of this program is left.
    }

    private static boolean run(PatroniCluster cluster, ConnectionManager manager) throws Exception {
        manager.addListener(e -> print(e, manager));
        ConnectionResult connected = manager.initializeConnection();
        if (!connected.success()) {
            throw connected.error();
        }
        try (Connection c = manager.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE failover_demo (id bigint PRIMARY KEY, writer int NOT NULL, "
                    + "port int NOT NULL DEFAULT inet_server_port(), at timestamptz NOT NULL DEFAULT clock_timestamp())");
        }
        String oldPrimary = address(cluster.leader());
        String newPrimary = address(cluster.replica());
        // The replica check needs a turn or two to measure the standby's lag before it sends reads there.
        awaitHosts(manager, hosts -> hosts.stream().anyMatch(HostStatus::servesReads));
        printHosts("Hosts before the switchover", manager.hosts());

        Workload work = new Workload(manager);
        work.start();
        Thread.sleep(BEFORE.toMillis());
        say("Switchover requested: patronictl switchover from " + oldPrimary + " to " + newPrimary);
        Duration took = cluster.switchover();
        say("Switchover done: " + address(cluster.leader()) + " is the primary and committed a write "
                + took.toMillis() + " ms after the request");
        Thread.sleep(AFTER.toMillis());
        work.stop();
        say("Writers and readers stopped");

        // Count on the new primary itself, over a connection of its own, not through the manager.
        Set<Long> present = new HashSet<>();
        try (Connection c = cluster.connect(cluster.leader()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM failover_demo")) {
            while (rs.next()) {
                present.add(rs.getLong(1));
            }
        }
        List<Write> acked = new ArrayList<>(work.acknowledged);
        long lost = acked.stream().filter(w -> !present.contains(w.id)).count();
        long failedButPresent = work.failedIds.stream().filter(present::contains).count();
        Outage outage = Outage.of(acked, port(oldPrimary), port(newPrimary));

        System.out.println();
        System.out.println("== What the application saw");
        System.out.println("Acknowledged writes: " + acked.size() + " (" + count(acked, port(oldPrimary)) + " on "
                + oldPrimary + ", " + count(acked, port(newPrimary)) + " on " + newPrimary + ")");
        System.out.println("Failed writes: " + work.failedIds.size() + (work.failures.isEmpty() ? "" : ", by error:"));
        new TreeMap<>(work.failures).forEach((key, n) -> System.out.println("  " + n.sum() + " x " + key));
        if (failedButPresent > 0) {
            System.out.println("  of which " + failedButPresent + " committed all the same (the answer to the commit"
                    + " was lost: check by key before writing again)");
        }
        System.out.println("Acknowledged writes present on the new primary " + newPrimary + ": "
                + (acked.size() - lost) + " of " + acked.size() + " (" + lost + " lost)");
        if (outage != null) {
            System.out.println("Outage as the writers saw it: " + outage.millis() + " ms from the last acknowledged"
                    + " write on " + oldPrimary + " (+" + offset(outage.lastOld) + " ms) to the first on " + newPrimary
                    + " (+" + offset(outage.firstNew) + " ms)");
        } else {
            System.out.println("Outage as the writers saw it: unknown, no acknowledged write on "
                    + (count(acked, port(newPrimary)) == 0 ? newPrimary : oldPrimary));
        }
        System.out.println("Reads: " + work.standbyReads.sum() + " on a standby, " + work.primaryReads.sum()
                + " on the primary, " + work.failedReads.sum() + " failed");
        awaitHosts(manager, hosts -> hosts.stream().anyMatch(h -> h.servesWrites() && h.host().equals(newPrimary))
                && hosts.stream().anyMatch(HostStatus::servesReads));
        printHosts("Hosts after the switchover", manager.hosts());

        boolean back = outage != null;
        System.out.println("Failover: switchover from " + oldPrimary + " to " + newPrimary + ", writes back after "
                + (back ? outage.millis() + " ms" : "never") + ", " + acked.size() + " acknowledged, "
                + work.failedIds.size() + " failed, " + lost + " acknowledged writes lost");
        return back && lost == 0;
    }

    /** The writer and reader threads and what they counted. Non-daemon threads, always joined by {@link #stop()}. */
    private static final class Workload {
        private final ConnectionManager manager;
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicLong nextId = new AtomicLong();
        private volatile boolean running = true;
        final ConcurrentLinkedQueue<Write> acknowledged = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Long> failedIds = new ConcurrentLinkedQueue<>();
        final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        /** Failure kinds already printed: each is printed once, when first seen. */
        private final Set<String> shown = ConcurrentHashMap.newKeySet();
        final LongAdder standbyReads = new LongAdder();
        final LongAdder primaryReads = new LongAdder();
        final LongAdder failedReads = new LongAdder();

        Workload(ConnectionManager manager) {
            this.manager = manager;
        }

        void start() {
            DataSource writes = manager.dataSource();
            DataSource reads = manager.readDataSource();
            for (int i = 1; i <= WRITERS; i++) {
                int writer = i;
                threads.add(new Thread(() -> write(writes, writer), "failover-writer-" + i));
            }
            for (int i = 1; i <= READERS; i++) {
                threads.add(new Thread(() -> read(reads), "failover-reader-" + i));
            }
            threads.forEach(Thread::start);
            say(WRITERS + " writers (dataSource) and " + READERS + " readers (readDataSource) started");
        }

        void stop() throws InterruptedException {
            running = false;
            for (Thread t : threads) {
                t.join();
            }
        }

        private void write(DataSource ds, int writer) {
            while (running) {
                long id = nextId.incrementAndGet();
                try (Connection c = ds.getConnection();
                     PreparedStatement ps = c.prepareStatement(
                             "INSERT INTO failover_demo (id, writer) VALUES (?, ?) RETURNING port")) {
                    ps.setLong(1, id);
                    ps.setInt(2, writer);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        acknowledged.add(new Write(id, rs.getInt(1), System.nanoTime()));
                    }
                    pause(WRITE_PAUSE_MS);
                } catch (SQLException | RuntimeException e) {
                    failedIds.add(id);
                    DatabaseError error = manager.categorize(e);
                    String sqlState = e instanceof SQLException se && se.getSQLState() != null ? se.getSQLState()
                            : error.sqlState();
                    String key = error.code() + " (" + (sqlState != null ? "SQLState " + sqlState
                            : e.getClass().getSimpleName() + ", no SQLState") + ")";
                    if (shown.add(key)) {
                        say("writer " + writer + ": first " + key + ": " + error.getMessage());
                    }
                    failures.computeIfAbsent(key, k -> new LongAdder()).increment();
                    pause(FAILURE_PAUSE_MS);
                }
            }
        }

        private void read(DataSource ds) {
            while (running) {
                try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), count(*) FROM failover_demo")) {
                    rs.next();
                    (rs.getBoolean(1) ? standbyReads : primaryReads).increment();
                    pause(READ_PAUSE_MS);
                } catch (SQLException | RuntimeException e) {
                    failedReads.increment();
                    pause(FAILURE_PAUSE_MS);
                }
            }
        }

        private static void pause(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** An acknowledged write: its id, the port of the server that committed it, and when the answer came. */
    private record Write(long id, int port, long nanos) {
    }

    /** The writers' gap: the last acknowledgement from the old primary and the first from the new one. */
    private record Outage(long lastOld, long firstNew) {

        static Outage of(List<Write> acked, int oldPort, int newPort) {
            long lastOld = acked.stream().filter(w -> w.port == oldPort).mapToLong(Write::nanos).max().orElse(-1);
            long firstNew = acked.stream().filter(w -> w.port == newPort).mapToLong(Write::nanos).min().orElse(-1);
            return lastOld < 0 || firstNew < 0 ? null : new Outage(lastOld, firstNew);
        }

        long millis() {
            return (firstNew - lastOld) / 1_000_000;
        }
    }

    /** Waits (at most {@link #SETTLE}) until the manager's view of the hosts satisfies {@code condition}. */
    private static void awaitHosts(ConnectionManager manager, Predicate<List<HostStatus>> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (!condition.test(manager.hosts()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private static void printHosts(String title, List<HostStatus> hosts) {
        System.out.println();
        System.out.println("== " + title + " (manager.hosts())");
        for (HostStatus h : hosts) {
            System.out.printf("  %-16s %-11s %-8s lag %-7s %-6s %s%n", h.host(), h.reachable() ? "reachable" : "unreachable",
                    h.role(), h.role() == ServerRole.STANDBY && h.replayLag() != null ? h.replayLag().toMillis() + " ms" : "-",
                    h.servesWrites() ? "writes" : "-", h.servesReads() ? "reads" : "-");
        }
        System.out.println();
    }

    private static void print(ConnectionEvent e, ConnectionManager manager) {
        // A listener may call the manager: say where writes go once connected.
        String writes = e.phase() != ConnectionPhase.CONNECTED ? "" : manager.hosts().stream()
                .filter(HostStatus::servesWrites).map(h -> ", writes go to " + h.host()).findFirst().orElse("");
        say("event " + e.type() + ", phase " + e.phase() + (e.error() == null ? "" : ", " + e.error().code()) + writes);
    }

    private static long count(List<Write> writes, int port) {
        return writes.stream().filter(w -> w.port == port).count();
    }

    private static String address(PatroniCluster.Node node) {
        return node.host() + ":" + node.port();
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    private static long offset(long nanos) {
        return (nanos - T0) / 1_000_000;
    }

    private static void say(String line) {
        System.out.printf("+%6d ms  %s%n", offset(System.nanoTime()), line);
    }

    /** Which of Patroni, etcd and a PostgreSQL server are not installed, as words; empty when all are. */
    private static String missingPackages() {
        List<String> missing = new ArrayList<>();
        if (!installed("patroni") || !installed("patronictl")) {
            missing.add("patroni");
        }
        if (!installed("etcd")) {
            missing.add("etcd (package etcd-server)");
        }
        boolean postgres;
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            postgres = versions.anyMatch(v -> Files.isExecutable(v.resolve("bin").resolve("pg_ctl")));
        } catch (IOException e) {
            postgres = false;
        }
        if (!postgres) {
            missing.add("a PostgreSQL server (package postgresql)");
        }
        return String.join(", ", missing);
    }

    private static boolean installed(String program) {
        return Stream.of("/usr/bin", "/usr/sbin", "/usr/local/bin")
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
