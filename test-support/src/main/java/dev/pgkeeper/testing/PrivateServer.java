package dev.pgkeeper.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A PostgreSQL 18 server owned by one test: its data directory survives {@link #stop()} and
 * {@link #start()} on the same port, and {@link #kill()} crashes it the hard way ({@code kill -9} of
 * the postmaster) so that the next start runs crash recovery.
 *
 * <p>The binaries are zonky's embedded PostgreSQL, so nothing needs to be installed. The superuser
 * {@code postgres} is trusted over TCP from localhost; every other role must give its password
 * (SCRAM), which lets tests prove authentication failures. {@code synchronous_commit} is on, so a commit
 * that returned survives {@link #kill()}; {@code fsync} is off, which only an operating-system crash would
 * notice. Data directories live under
 * {@code target/pgkeeper-pg}; ones left behind by a JVM that died are cleaned on the next run, and a
 * shutdown hook stops every server this JVM started.
 *
 * <p>Thread-safe: lifecycle methods are synchronized.
 */
public final class PrivateServer implements PostgresServer, AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(PrivateServer.class);
    private static final Path ROOT = Path.of(System.getProperty("pgkeeper.test.dataRoot", "target/pgkeeper-pg"))
            .toAbsolutePath();
    private static final String OWNER_FILE = "owner.pid";
    private static final Set<PrivateServer> LIVE = ConcurrentHashMap.newKeySet();
    private static final String HBA = String.join("\n",
            "# written by pgkeeper's test fixture",
            "local all all trust",
            "host all postgres 127.0.0.1/32 trust",
            "host all postgres ::1/128 trust",
            "host all all 127.0.0.1/32 scram-sha-256",
            "host all all ::1/128 scram-sha-256",
            "");

    static {
        cleanStaleDirectories();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(PrivateServer::close),
                "pgkeeper-test-servers-shutdown"));
    }

    private final Path dataDirectory;
    private final int port;
    private final Map<String, String> serverConfig;
    private final String hba;
    private EmbeddedPostgres running;
    private boolean closed;

    private PrivateServer(Path dataDirectory, int port, Map<String, String> serverConfig, String hba) {
        this.dataDirectory = dataDirectory;
        this.port = port;
        this.serverConfig = serverConfig;
        this.hba = hba;
    }

    /** Reserves a port and a data directory without starting anything; {@link #start()} creates the cluster. */
    public static PrivateServer create() {
        return create(Map.of());
    }

    /** Like {@link #create()}, with extra {@code postgresql.conf} settings ({@code -c name=value}). */
    public static PrivateServer create(Map<String, String> serverConfig) {
        return create(serverConfig, HBA);
    }

    /**
     * Like {@link #create(Map)}, with {@code hba} as the whole of {@code pg_hba.conf} instead of the default rules
     * (trust for {@code postgres} from localhost, SCRAM for every other role); for tests of TLS and client
     * certificates. Keep a {@code host all postgres 127.0.0.1/32 trust} line: the fixture logs in as
     * {@code postgres} to see that the server started.
     */
    public static PrivateServer create(Map<String, String> serverConfig, String hba) {
        try {
            Files.createDirectories(ROOT);
            Path dir = Files.createTempDirectory(ROOT, "pg-");
            Files.writeString(dir.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
            PrivateServer server = new PrivateServer(dir.resolve("data"), freePort(), Map.copyOf(serverConfig), hba);
            LIVE.add(server);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare a data directory under " + ROOT, e);
        }
    }

    /**
     * {@code postgresql.conf} settings that write the server's log to {@code directory/server.log}, one file that is
     * never rotated, each line prefixed with the epoch time in milliseconds and the process id ({@code %n:%p:}), for
     * tests that count what the server saw (logins, refusals).
     */
    public static Map<String, String> logToFile(Path directory) {
        return Map.of(
                "logging_collector", "on",
                "log_directory", directory.toString(),
                "log_filename", "server.log",
                "log_rotation_age", "0",
                "log_rotation_size", "0",
                "log_line_prefix", "%n:%p:");
    }

    /** Creates and starts a server. */
    public static PrivateServer start(Map<String, String> serverConfig) {
        PrivateServer server = create(serverConfig);
        server.start();
        return server;
    }

    /** Creates and starts a server with default settings. */
    public static PrivateServer startNew() {
        return start(Map.of());
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public TestDatabase admin(String database) {
        return new TestDatabase(host(), port, database, "postgres", null);
    }

    /** Starts the server (running {@code initdb} the first time); returns once it accepts connections. */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("server on port " + port + " is closed");
        }
        if (running != null) {
            return;
        }
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory.toFile())
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_connections", "200")
                    // zonky turns synchronous_commit off for speed; a fault test needs "commit returned" to mean
                    // "survives kill -9". (fsync stays off: only an operating-system crash could lose data then.)
                    .setServerConfig("synchronous_commit", "on")
                    .setDataDirectoryCustomizer(dir -> writeHba(dir.toPath(), hba));
            serverConfig.forEach(builder::setServerConfig);
            running = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start PostgreSQL on port " + port + " in " + dataDirectory, e);
        }
    }

    /** Fast shutdown ({@code pg_ctl stop -m fast}): sessions are terminated with SQLState 57P01. */
    public synchronized void stop() {
        if (running == null) {
            return;
        }
        try {
            running.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            running = null;
        }
    }

    /** Fast shutdown followed by a start on the same port and data directory. */
    public synchronized void restart() {
        stop();
        start();
    }

    /**
     * Kills the postmaster with SIGKILL, waits for it and its backends to be gone, and leaves the data
     * directory as a crash would. The next {@link #start()} runs crash recovery.
     */
    public synchronized void kill() {
        if (running == null) {
            return;
        }
        Optional<ProcessHandle> postmaster = postmasterPid().flatMap(ProcessHandle::of);
        postmaster.ifPresent(p -> {
            List<ProcessHandle> backends = p.children().toList();
            p.destroyForcibly();
            p.onExit().join();
            // Backends notice the postmaster's death on their own; wait so the next start is not refused
            // because the old shared memory is still attached.
            backends.forEach(b -> b.onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join());
        });
        try {
            running.close(); // releases zonky's lock; its pg_ctl stop fails and is logged by zonky
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            running = null;
        }
    }

    /**
     * Leaves stopping this server to its owner: the JVM's shutdown hook will not stop it, so a program can
     * shut down in its own order (stop serving, disconnect, then {@link #close()} the server).
     *
     * @return this server
     */
    public PrivateServer stopOnlyWhenClosed() {
        LIVE.remove(this);
        return this;
    }

    /** Whether this fixture believes the server is up. */
    public synchronized boolean isRunning() {
        return running != null;
    }

    /** Process id of the running postmaster, read from {@code postmaster.pid}. */
    public Optional<Long> postmasterPid() {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Starts the server on another thread and polls every 2 ms for a new connection, so that the moment it first
     * accepts one is known within a few milliseconds (what recovery figures count from), then waits for the start
     * to finish.
     *
     * @param timeout longest wait for the first connection
     * @return {@link System#nanoTime()} when a connection first succeeded
     * @throws IllegalStateException when none succeeded within {@code timeout}
     */
    public long startAndAwaitFirstConnection(Duration timeout) {
        Thread starter = new Thread(this::start, "pgkeeper-test-server-start");
        starter.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        SQLException last = null;
        try {
            while (System.nanoTime() < deadline) {
                try (Connection c = admin("postgres").connect()) {
                    long at = System.nanoTime();
                    c.isValid(1);
                    return at;
                } catch (SQLException e) {
                    last = e;
                    sleepQuietly(2);
                }
            }
            throw new IllegalStateException("PostgreSQL on port " + port + " did not accept connections within "
                    + timeout, last);
        } finally {
            try {
                starter.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Polls until a new connection succeeds, or throws after {@code timeout}. */
    public void awaitAcceptingConnections(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try (Connection c = admin("postgres").connect()) {
                c.isValid(1);
                return;
            } catch (SQLException e) {
                last = e;
                sleepQuietly(10);
            }
        }
        throw new IllegalStateException("PostgreSQL on port " + port + " did not accept connections within " + timeout,
                last);
    }

    /** Stops the server and deletes its data directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.warn("Could not stop PostgreSQL on port {}", port, e);
        }
        closed = true;
        LIVE.remove(this);
        deleteRecursively(dataDirectory.getParent());
    }

    @Override
    public String toString() {
        return "PrivateServer[127.0.0.1:" + port + ", " + dataDirectory + "]";
    }

    /** A TCP port nothing listens on right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free port", e);
        }
    }

    private static void writeHba(Path dir, String hba) {
        try {
            Files.writeString(dir.resolve("pg_hba.conf"), hba);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void cleanStaleDirectories() {
        if (!Files.isDirectory(ROOT)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(ROOT)) {
            dirs.filter(Files::isDirectory).filter(PrivateServer::ownerIsGone).forEach(dir -> {
                Path pidFile = dir.resolve("data").resolve("postmaster.pid");
                try {
                    if (Files.exists(pidFile)) {
                        long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
                        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                        LOG.info("Killed PostgreSQL {} left behind in {}", pid, dir);
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Could not inspect stale server directory {}", dir, e);
                }
                deleteRecursively(dir);
            });
        } catch (IOException e) {
            LOG.warn("Could not scan {} for stale servers", ROOT, e);
        }
    }

    private static boolean ownerIsGone(Path dir) {
        try {
            long owner = Long.parseLong(Files.readString(dir.resolve(OWNER_FILE)).trim());
            return ProcessHandle.of(owner).map(p -> !p.isAlive()).orElse(true);
        } catch (IOException | NumberFormatException e) {
            return true;
        }
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.debug("Could not delete {}", p, e);
                }
            });
        } catch (IOException e) {
            LOG.warn("Could not delete {}", dir, e);
        }
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
