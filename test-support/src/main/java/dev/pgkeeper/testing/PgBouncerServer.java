package dev.pgkeeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Debian's PgBouncer (1.18) in front of one PostgreSQL, run as OS user {@code postgres} on 127.0.0.1 and a
 * free port, in {@code session} or {@code transaction} pool mode. Clients log in with SCRAM as the given
 * user; {@code userlist.txt} holds the plain password, which PgBouncer also uses to log in to the server.
 *
 * <p>Startup parameters, seen on the wire: pgjdbc 42.7.14 sends {@code user}, {@code database},
 * {@code client_encoding}, {@code DateStyle} and {@code TimeZone}, plus {@code application_name} with
 * {@code assumeMinServerVersion} 9.0 or later; all are tracked by PgBouncer. It sets
 * {@code extra_float_digits} with a {@code SET} after login, not at startup; the parameter is still listed in
 * {@code ignore_startup_parameters}, as other clients send it at startup and PgBouncer rejects parameters it
 * does not know ({@code options} too, which pgjdbc sends when its {@code options} property is set). In
 * transaction mode pgjdbc needs {@code prepareThreshold=0}: PgBouncer 1.18 has no support for protocol-level
 * prepared statements, and a named statement {@code S_1} of one client meets another client's
 * {@code S_1} on a shared server connection (SQLState 42P05).
 *
 * <p>Config, log and pid file live in one temp folder, removed by {@link #close()}; a shutdown hook stops
 * servers still running when the JVM exits. Needs {@code apt-get install pgbouncer}; without it
 * {@link #start} throws, naming the command. Lifecycle methods are synchronized.
 */
public final class PgBouncerServer implements AutoCloseable {

    /** PgBouncer's {@code pool_mode}. */
    public enum PoolMode {
        SESSION, TRANSACTION;

        String config() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final Set<PgBouncerServer> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(PgBouncerServer::close),
                "pgkeeper-test-pgbouncer-shutdown"));
    }

    private final Path dir;
    private final int port;
    private final String user;
    private final String password;
    private Process process;
    private boolean closed;

    private PgBouncerServer(Path dir, int port, String user, String password) {
        this.dir = dir;
        this.port = port;
        this.user = user;
        this.password = password;
    }

    /**
     * Starts PgBouncer in front of {@code host:port} for {@code user}/{@code password}; the database name a
     * client asks for is passed through to the server. Returns once it accepts TCP connections (bounded).
     */
    public static PgBouncerServer start(String serverHost, int serverPort, String user, String password, PoolMode mode) {
        return start(serverHost, serverPort, user, password, mode, java.util.Map.of());
    }

    /**
     * Like {@link #start(String, int, String, String, PoolMode)}, with more {@code [pgbouncer]} settings (name to
     * value), such as {@code server_login_retry}; a setting named here replaces the fixture's own.
     */
    public static PgBouncerServer start(String serverHost, int serverPort, String user, String password, PoolMode mode,
                                        java.util.Map<String, String> settings) {
        Path pgbouncer = ServerProcesses.require("pgbouncer");
        try {
            Path dir = ServerProcesses.createOwnedTempDirectory("pgkeeper-pgbouncer-");
            PgBouncerServer server = new PgBouncerServer(dir, PrivateServer.freePort(), user, password);
            LIVE.add(server);
            Files.writeString(dir.resolve("userlist.txt"), quote(user) + " " + quote(password) + "\n");
            java.util.Map<String, String> ini = new java.util.LinkedHashMap<>();
            ini.put("listen_addr", "127.0.0.1");
            ini.put("listen_port", Integer.toString(server.port));
            ini.put("unix_socket_dir", "");
            ini.put("auth_type", "scram-sha-256");
            ini.put("auth_file", dir.resolve("userlist.txt").toString());
            ini.put("pool_mode", mode.config());
            ini.put("default_pool_size", "4");
            ini.put("max_client_conn", "100");
            ini.put("ignore_startup_parameters", "extra_float_digits");
            ini.put("logfile", dir.resolve("pgbouncer.log").toString());
            ini.put("pidfile", dir.resolve("pgbouncer.pid").toString());
            ini.put("admin_users", user);
            ini.putAll(settings);
            StringBuilder text = new StringBuilder("[databases]\n* = host=" + serverHost + " port=" + serverPort
                    + "\n[pgbouncer]\n");
            ini.forEach((name, value) -> text.append(name).append(" = ").append(value).append('\n'));
            Files.writeString(dir.resolve("pgbouncer.ini"), text.toString());
            ServerProcesses.chownToPostgres(dir);
            dir.resolve("userlist.txt").toFile().setReadable(false, false);
            dir.resolve("userlist.txt").toFile().setReadable(true, true);
            server.pgbouncer = pgbouncer;
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path pgbouncer;

    /** Starts the process (again); returns once the port accepts connections, or throws with the log's tail. */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("PgBouncer on port " + port + " is closed");
        }
        if (process != null && process.isAlive()) {
            return;
        }
        process = ServerProcesses.start(ServerProcesses.asPostgres(pgbouncer.toString(), dir.resolve("pgbouncer.ini").toString()),
                dir, dir.resolve("pgbouncer.out"));
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!accepts()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String why = process.isAlive() ? "did not listen within 15 s" : "exited " + process.exitValue();
                ServerProcesses.stopTree(process, 2);
                process = null;
                throw new IllegalStateException("PgBouncer on 127.0.0.1:" + port + " " + why
                        + ServerProcesses.tail(dir.resolve("pgbouncer.out"), 20)
                        + ServerProcesses.tail(dir.resolve("pgbouncer.log"), 20));
            }
            PrivateServer.sleepQuietly(20);
        }
    }

    /** Stops the process (SIGTERM: immediate shutdown, clients are disconnected). */
    public synchronized void stop() {
        ServerProcesses.stopTree(process, 10);
        process = null;
    }

    /** Stops and starts again on the same port. */
    public synchronized void restart() {
        stop();
        start();
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** libpq URI, {@code postgresql://user:pw@127.0.0.1:port/database}. */
    public String url(String database) {
        return "postgresql://" + enc(user) + ":" + enc(password) + "@127.0.0.1:" + port + "/" + enc(database);
    }

    /** {@link #url(String)} for database {@code postgres}. */
    public String url() {
        return url("postgres");
    }

    /** JDBC URL without credentials. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + enc(database);
    }

    /** Where a client reaches the server through this PgBouncer. */
    public TestDatabase database(String database) {
        return new TestDatabase("127.0.0.1", port, database, user, password);
    }

    /** The last lines of PgBouncer's log. */
    public String logTail() {
        return ServerProcesses.tail(dir.resolve("pgbouncer.log"), 30);
    }

    /** Stops PgBouncer and removes its folder. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        LIVE.remove(this);
        ServerProcesses.deleteRecursively(dir);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String quote(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    @Override
    public String toString() {
        return "PgBouncerServer[127.0.0.1:" + port + "]";
    }
}
