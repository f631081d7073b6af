package dev.pgkeeper.mybatis.ha;

import dev.pgkeeper.testing.PatroniCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * Tells, as precisely as a client can, when each node of a {@link PatroniCluster} became writable, read-only or
 * unreachable: one thread per node holds a plain pgjdbc connection to that node alone and every ~2 ms calls
 * {@code ha_watch_write(node)}, which inserts a row and returns true on a primary, and returns false without
 * writing on a standby (an INSERT there would fail with 25006 and log an error 500 times a second). A call that
 * fails counts as DOWN and the connection is replaced before the next one.
 *
 * <p>Each change of a node's state is kept as a {@link Change}. The moment a node became writable lies between the
 * start of the last call that still saw it read-only or down ({@link Change#previousStart}) and the end of the
 * first call that committed ({@link Change#end}); {@link Change#start} is the estimate the figures use. On this
 * machine that window is 1-5 ms (a pause of 2 ms plus a round trip, longer when the CPU is busy).
 *
 * <p>Needs the table {@code ha_watch} and the function {@code ha_watch_write(text)} (see {@link #SCHEMA}).
 * Thread-safe; {@link #close()} stops the threads and closes their connections.
 */
final class WritableWatch implements AutoCloseable {

    /** What the watch needs on the cluster; created on the leader, it reaches the replicas by replication. */
    static final String SCHEMA = """
            CREATE TABLE ha_watch (node text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());
            CREATE FUNCTION ha_watch_write(node text) RETURNS boolean LANGUAGE plpgsql AS $$
            BEGIN
                IF pg_is_in_recovery() THEN
                    RETURN false;
                END IF;
                INSERT INTO ha_watch (node) VALUES (node);
                RETURN true;
            END $$;
            """;

    private static final long PAUSE_NANOS = Duration.ofMillis(2).toNanos();

    /** What a call found. */
    enum State { DOWN, READ_ONLY, WRITABLE }

    /**
     * A node's state changed: the first call that found {@code state} ran from {@code start} to {@code end}; the
     * call before it, which found another state, began at {@code previousStart}. Times are {@link System#nanoTime()}.
     *
     * @param detail for DOWN, the failure's SQLState and message; else empty
     */
    record Change(String node, State state, long previousStart, long start, long end, String detail) {
    }

    private final PatroniCluster cluster;
    private final List<Change> changes = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    private WritableWatch(PatroniCluster cluster) {
        this.cluster = cluster;
    }

    /** Starts one thread per node, named {@code pgkeeper-test-ha-watch-<node>}. */
    static WritableWatch start(PatroniCluster cluster) {
        WritableWatch watch = new WritableWatch(cluster);
        for (PatroniCluster.Node node : cluster.nodes()) {
            Thread t = new Thread(() -> watch.watch(node), "pgkeeper-test-ha-watch-" + node.name());
            t.setDaemon(true);
            watch.threads.add(t);
        }
        watch.threads.forEach(Thread::start);
        return watch;
    }

    private void watch(PatroniCluster.Node node) {
        Connection connection = null;
        PreparedStatement call = null;
        State state = null;
        long previousStart = 0;
        while (running) {
            long start = System.nanoTime();
            State found;
            String detail = "";
            try {
                if (connection == null) {
                    connection = connect(node);
                    call = connection.prepareStatement("SELECT ha_watch_write(?)");
                    call.setString(1, node.name());
                }
                try (ResultSet rs = call.executeQuery()) {
                    rs.next();
                    found = rs.getBoolean(1) ? State.WRITABLE : State.READ_ONLY;
                }
            } catch (SQLException e) {
                found = State.DOWN;
                detail = e.getSQLState() + " " + e.getMessage();
                closeQuietly(connection);
                connection = null;
            }
            long end = System.nanoTime();
            if (found != state) {
                changes.add(new Change(node.name(), found, previousStart, start, end, detail));
                state = found;
            }
            previousStart = start;
            LockSupport.parkNanos(PAUSE_NANOS);
        }
        closeQuietly(connection);
    }

    private Connection connect(PatroniCluster.Node node) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", cluster.user());
        props.setProperty("password", cluster.password());
        props.setProperty("ApplicationName", "ha-watch");
        props.setProperty("connectTimeout", "1");
        // A commit can wait for a synchronous standby that is gone until Patroni drops it; bounded, then DOWN.
        props.setProperty("socketTimeout", "3");
        return DriverManager.getConnection("jdbc:postgresql://" + node.host() + ":" + node.port() + "/postgres", props);
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // it is broken already; nothing to release
            }
        }
    }

    /** The first change of {@code node} into {@code state} whose call started after {@code after}, if any yet. */
    Optional<Change> firstChange(PatroniCluster.Node node, State state, long after) {
        return changes.stream()
                .filter(c -> c.node().equals(node.name()) && c.state() == state && c.start() > after)
                .findFirst();
    }

    /** Every change of every node that started after {@code after}, in the order they were seen per node. */
    List<Change> changesAfter(long after) {
        return changes.stream().filter(c -> c.start() > after).toList();
    }

    /** Stops the threads (each within one call: at most its socket timeout) and closes their connections. */
    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " did not stop");
            }
        }
    }
}
