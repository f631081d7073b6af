package dev.pgkeeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A real high-availability PostgreSQL cluster on loopback, from Debian's packages: one etcd 3.4 and
 * {@code N} Patroni nodes (default 2), each running its own PostgreSQL as OS user {@code postgres}
 * ({@code runuser} when this JVM is root). Synchronous mode is on, so a commit that returned is on the
 * synchronous standby too; a crashed leader fails over instead of being restarted in place
 * ({@code primary_start_timeout: 0}).
 *
 * <p>Everything binds to 127.0.0.1 on free ports and lives in one temp folder (owned by {@code postgres}),
 * logs included: {@code etcd/etcd.log}, {@code nodeK/patroni.log}, {@code nodeK/pglog/}. A failure to start
 * throws with their tails. {@link #close()} stops everything and removes the folder; a shutdown hook does it
 * for clusters still open when the JVM exits, and the next cluster cleans up after a JVM killed with {@code kill -9}. The superuser {@code postgres} and the replication role log
 * in with a random password (SCRAM over TCP and over the data folder's Unix socket; nothing is trusted).
 *
 * <p>Needs {@code apt-get install patroni etcd-server} (see {@link ServerProcesses#INSTALL_COMMAND}); without
 * them {@link #start(int)} throws, naming the command. Lifecycle methods are synchronized.
 */
public final class PatroniCluster implements AutoCloseable {

    /** Bounds of the waits. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(60);
    private static final Set<PatroniCluster> LIVE = ConcurrentHashMap.newKeySet();
    private static final org.apache.logging.log4j.Logger LOG = org.apache.logging.log4j.LogManager.getLogger(PatroniCluster.class);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(PatroniCluster::close),
                "pgkeeper-test-patroni-shutdown"));
    }

    /** One Patroni node and its PostgreSQL. */
    public static final class Node {
        private final String name;
        private final int port;
        private final int restPort;
        private final Path dir;
        private Process process;

        private Node(String name, int port, int restPort, Path dir) {
            this.name = name;
            this.port = port;
            this.restPort = restPort;
            this.dir = dir;
        }

        /** Patroni's member name. */
        public String name() {
            return name;
        }

        public String host() {
            return "127.0.0.1";
        }

        /** PostgreSQL's port. */
        public int port() {
            return port;
        }

        /** Patroni's REST API port. */
        public int restPort() {
            return restPort;
        }

        /** PostgreSQL's data directory. */
        public Path dataDirectory() {
            return dir.resolve("data");
        }

        Path yaml() {
            return dir.resolve(name + ".yml");
        }

        /** Whether Patroni's REST API says this node is the leader ({@code GET /leader} answers 200). */
        public boolean isLeader() {
            return ServerProcesses.httpStatus("http://127.0.0.1:" + restPort + "/leader") == 200;
        }

        /** The postmaster's process id, the first line of {@code postmaster.pid}. */
        public Optional<Long> postmasterPid() {
            try {
                List<String> lines = Files.readAllLines(dataDirectory().resolve("postmaster.pid"));
                return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
            } catch (IOException | NumberFormatException e) {
                return Optional.empty();
            }
        }

        @Override
        public String toString() {
            return name + "[127.0.0.1:" + port + ", rest " + restPort + "]";
        }
    }

    private final Path root;
    private final String password;
    private final int etcdPort;
    private final int etcdPeerPort;
    private final List<Node> nodes = new ArrayList<>();
    private final List<String> killedSegments = new ArrayList<>();
    private Process etcd;
    private boolean closed;

    private PatroniCluster(Path root, int size) {
        this.root = root;
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        this.password = "pk-" + HexFormat.of().formatHex(random);
        PasswordGuard.register(password);
        this.etcdPort = PrivateServer.freePort();
        this.etcdPeerPort = PrivateServer.freePort();
        for (int i = 0; i < size; i++) {
            nodes.add(new Node("node" + i, PrivateServer.freePort(), PrivateServer.freePort(), root.resolve("node" + i)));
        }
    }

    /** Starts a cluster of two nodes. */
    public static PatroniCluster start() {
        return start(2);
    }

    /**
     * Starts etcd and {@code size} Patroni nodes; returns once a leader answers {@code GET /leader} with 200
     * and every replica streams synchronously or asynchronously (at least one synchronously), within 90 s.
     */
    public static PatroniCluster start(int size) {
        ServerProcesses.require("etcd");
        ServerProcesses.require("patroni");
        ServerProcesses.require("patronictl");
        Path root = ServerProcesses.createOwnedTempDirectory("pgkeeper-patroni-");
        PatroniCluster cluster = new PatroniCluster(root, size);
        LIVE.add(cluster);
        try {
            long began = System.nanoTime();
            cluster.launch();
            long tookMs = (System.nanoTime() - began) / 1_000_000;
            if (tookMs > 30_000) { // usually 5-9 s; keep the logs of a slow start, the folder goes at close()
                LOG.warn("The Patroni cluster took {} ms to start:{}", tookMs, cluster.logTails());
            }
            return cluster;
        } catch (RuntimeException | Error e) {
            String logs = cluster.logTails();
            cluster.close();
            throw new IllegalStateException("the Patroni cluster did not start: " + e.getMessage() + logs, e);
        }
    }

    private synchronized void launch() {
        try {
            Path binDir = ServerProcesses.postgresBinDir();
            Path etcdDir = root.resolve("etcd");
            Files.createDirectories(etcdDir);
            for (Node n : nodes) {
                Files.createDirectories(n.dir);
                Files.writeString(n.yaml(), yaml(n, binDir));
            }
            ServerProcesses.chownToPostgres(root);
            String client = "http://127.0.0.1:" + etcdPort;
            String peer = "http://127.0.0.1:" + etcdPeerPort;
            etcd = ServerProcesses.start(List.of("etcd", "--name", "pgkeeper", "--data-dir", etcdDir.resolve("data").toString(),
                    "--listen-client-urls", client, "--advertise-client-urls", client,
                    "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                    "--initial-cluster", "pgkeeper=" + peer), etcdDir, etcdDir.resolve("etcd.log"));
            waitFor("etcd answers on " + client, Duration.ofSeconds(20),
                    () -> ServerProcesses.httpStatus(client + "/health") == 200);
            for (Node n : nodes) {
                n.process = ServerProcesses.start(ServerProcesses.asPostgres("patroni", n.yaml().toString()), n.dir,
                        n.dir.resolve("patroni.log"));
            }
            waitFor("a leader and " + (nodes.size() - 1) + " streaming replica(s), one synchronous", START_TIMEOUT,
                    this::healthy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String yaml(Node n, Path binDir) {
        String d = n.dir.toString();
        return String.join("\n",
                "scope: pgkeeper",
                "namespace: /pgkeeper-" + root.getFileName() + "/",
                "name: " + n.name,
                "log:",
                "  level: INFO",
                "restapi:",
                "  listen: 127.0.0.1:" + n.restPort,
                "  connect_address: 127.0.0.1:" + n.restPort,
                "etcd3:",
                "  hosts: 127.0.0.1:" + etcdPort,
                "bootstrap:",
                "  dcs:",
                "    ttl: 20",
                "    loop_wait: 1",
                "    retry_timeout: 3",
                "    synchronous_mode: true",
                "    primary_start_timeout: 0",
                "    postgresql:",
                "      use_pg_rewind: true",
                "      use_slots: true",
                "      parameters:",
                "        wal_log_hints: 'on'",
                "        max_connections: 100",
                "  initdb:",
                "    - encoding: UTF8",
                "    - locale: C.UTF-8",
                "    - auth: scram-sha-256",
                "postgresql:",
                "  listen: 127.0.0.1:" + n.port,
                "  connect_address: 127.0.0.1:" + n.port,
                "  data_dir: " + d + "/data",
                "  bin_dir: " + binDir,
                "  pgpass: " + d + "/pgpass",
                "  authentication:",
                "    superuser:",
                "      username: postgres",
                "      password: " + password,
                "    replication:",
                "      username: replicator",
                "      password: " + password,
                "  parameters:",
                "    listen_addresses: 127.0.0.1",
                "    unix_socket_directories: '" + d + "'",
                "    fsync: 'off'",
                "    logging_collector: 'on'",
                "    log_directory: '" + d + "/pglog'",
                "    log_filename: 'postgresql.log'",
                "  pg_hba:",
                "    - local all all scram-sha-256",
                "    - host all all 127.0.0.1/32 scram-sha-256",
                "    - host replication replicator 127.0.0.1/32 scram-sha-256",
                "tags:",
                "  nofailover: false",
                "  noloadbalance: false",
                "  clonefrom: false",
                "  nosync: false",
                "");
    }

    private boolean healthy() {
        List<Node> leaders = nodes.stream().filter(Node::isLeader).toList();
        if (leaders.size() != 1) {
            return false;
        }
        try (Connection c = connect(leaders.get(0)); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE state = 'streaming'), "
                     + "count(*) FILTER (WHERE sync_state = 'sync') FROM pg_stat_replication")) {
            rs.next();
            // GET /sync answers 200 on a synchronous standby as the DCS records it (switchover checks the DCS).
            return rs.getInt(1) >= nodes.size() - 1 && (nodes.size() == 1 || rs.getInt(2) >= 1
                    && nodes.stream().anyMatch(n -> ServerProcesses.httpStatus("http://127.0.0.1:" + n.restPort + "/sync") == 200));
        } catch (SQLException e) {
            return false;
        }
    }

    /** All nodes. */
    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** The node whose REST API answers {@code GET /leader} with 200; throws unless exactly one does. */
    public Node leader() {
        List<Node> leaders = nodes.stream().filter(Node::isLeader).toList();
        if (leaders.size() != 1) {
            throw new IllegalStateException("expected one leader, Patroni reports " + leaders);
        }
        return leaders.get(0);
    }

    /** A node that is not the leader: the synchronous standby if there is one, else the first replica. */
    public Node replica() {
        Node leader = leader();
        List<Node> others = nodes.stream().filter(n -> n != leader).toList();
        return others.stream().filter(n -> ServerProcesses.httpStatus("http://127.0.0.1:" + n.restPort + "/sync") == 200)
                .findFirst().orElse(others.get(0));
    }

    public String user() {
        return "postgres";
    }

    public String password() {
        return password;
    }

    /** libpq multi-host URL, {@code postgresql://postgres:pw@127.0.0.1:p1,127.0.0.1:p2/postgres?target_session_attrs=read-write}. */
    public String url() {
        return "postgresql://" + user() + ":" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "@"
                + hostList() + "/postgres?target_session_attrs=read-write";
    }

    /** JDBC multi-host URL without credentials, {@code targetServerType=primary}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + hostList() + "/postgres?targetServerType=primary";
    }

    private String hostList() {
        return nodes.stream().map(n -> "127.0.0.1:" + n.port).collect(Collectors.joining(","));
    }

    /** A plain pgjdbc connection to one node as the superuser; the caller closes it. */
    public Connection connect(Node node) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user());
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "2");
        props.setProperty("socketTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + node.port + "/postgres", props);
    }

    /** Where one node's database lives, with the superuser's credentials. */
    public TestDatabase database(Node node) {
        return new TestDatabase(node.host(), node.port, "postgres", user(), password);
    }

    /**
     * {@code patronictl switchover --leader A --candidate B --force} to the first replica; returns once the
     * candidate is leader and commits a write.
     *
     * @return time from the command's start until the new leader committed a write
     */
    public synchronized Duration switchover() {
        Node from = leader();
        Node to = replica();
        long start = System.nanoTime();
        String out = ServerProcesses.run(List.of("patronictl", "-c", from.yaml().toString(), "switchover", "--leader",
                from.name, "--candidate", to.name, "--force"), 60);
        if (out.contains("failed, details") || out.contains("Could not")) { // patronictl exits 0 even then
            throw new IllegalStateException("patronictl switchover from " + from + " to " + to + " failed: " + out);
        }
        return awaitWritable(n -> n == to, start, "switchover from " + from + " to " + to + " (patronictl said: " + out.strip() + ")");
    }

    /**
     * {@code kill -9} of the leader's postmaster and its processes; returns once another node is leader and
     * commits a write.
     * First waits (bounded) until the DCS names a synchronous standby again: in synchronous mode only that
     * node may take over, and without one Patroni restarts the crashed leader in place (there is none for
     * 3-20 s after a promotion).
     *
     * @return time from the kill until the new leader committed a write
     */
    public synchronized Duration killLeader() {
        awaitSynchronousStandby(FAILOVER_TIMEOUT);
        Node old = leader();
        long pid = old.postmasterPid().orElseThrow(() -> new IllegalStateException("no postmaster.pid for " + old));
        ProcessHandle postmaster = ProcessHandle.of(pid)
                .orElseThrow(() -> new IllegalStateException("postmaster " + pid + " of " + old + " is not running"));
        sharedMemoryId(old).ifPresent(killedSegments::add);
        long start = System.nanoTime();
        killWithChildren(postmaster);
        return awaitWritable(n -> n != old, start, "failover after kill -9 of " + old + "'s postmaster " + pid);
    }

    /**
     * {@code kill -9} of a replica's postmaster and its processes (the synchronous standby if there is one).
     * Returns right after the
     * signal: Patroni notices within a loop or two and starts PostgreSQL again as a replica, which then catches
     * up; {@link #awaitReplica} and {@link #awaitSynchronousStandby} wait for that.
     *
     * @return the node whose postmaster was killed
     */
    public synchronized Node killReplica() {
        Node replica = replica();
        long pid = replica.postmasterPid().orElseThrow(() -> new IllegalStateException("no postmaster.pid for " + replica));
        ProcessHandle postmaster = ProcessHandle.of(pid)
                .orElseThrow(() -> new IllegalStateException("postmaster " + pid + " of " + replica + " is not running"));
        sharedMemoryId(replica).ifPresent(killedSegments::add);
        killWithChildren(postmaster);
        return replica;
    }

    /**
     * {@code kill -9} of a postmaster and then of every process it had started, so the whole server is gone at
     * once, as when the machine or its container dies. Killing the postmaster alone left client backends behind
     * on PostgreSQL 15 under write load (parent 1, asleep in {@code anon_pipe_read}, seen by FailoverFiguresIT):
     * they kept their clients' sockets open without ever answering, so a call on such a connection hung until the
     * client's socket timeout (forever for pgjdbc's default), and held the old shared memory, so Patroni never
     * brought the node back ("restarting after failure in progress" for minutes).
     */
    private static void killWithChildren(ProcessHandle postmaster) {
        List<ProcessHandle> children = postmaster.descendants().toList();
        postmaster.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
    }

    /** Waits (bounded) until one leader streams to every replica and the DCS names a synchronous standby. */
    public void awaitSynchronousStandby(Duration timeout) {
        try {
            waitFor("a leader and " + (nodes.size() - 1) + " streaming replica(s), one synchronous", timeout,
                    this::healthy);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + logTails(), e);
        }
    }

    /** Waits (bounded) until {@code node} is a streaming replica of the current leader. */
    public void awaitReplica(Node node, Duration timeout) {
        waitFor(node + " streams from the leader", timeout, () -> {
            if (node.isLeader()) {
                return false;
            }
            try (Connection c = connect(leader()); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' "
                         + "AND application_name = '" + node.name + "'")) {
                rs.next();
                return rs.getInt(1) == 1;
            } catch (SQLException | RuntimeException e) {
                return false;
            }
        });
    }

    private Duration awaitWritable(java.util.function.Predicate<Node> candidate, long start, String what) {
        try {
            waitFor(what + ": a new leader commits a write", FAILOVER_TIMEOUT, () -> {
                for (Node n : nodes) {
                    if (candidate.test(n) && n.isLeader() && commitsWrite(n)) {
                        return true;
                    }
                }
                return false;
            });
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + logTails(), e);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private boolean commitsWrite(Node n) {
        try (Connection c = connect(n); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS pgkeeper_fixture_probe (at timestamptz DEFAULT now())");
            s.execute("INSERT INTO pgkeeper_fixture_probe DEFAULT VALUES");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private void waitFor(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting until " + what);
            }
            for (Node n : nodes) {
                if (n.process != null && !n.process.isAlive()) {
                    throw new IllegalStateException("Patroni " + n + " exited " + n.process.exitValue()
                            + " while waiting until " + what);
                }
            }
            if (etcd != null && !etcd.isAlive()) {
                throw new IllegalStateException("etcd exited " + etcd.exitValue() + " while waiting until " + what);
            }
            PrivateServer.sleepQuietly(50);
        }
    }

    /** The System V shared memory id of a node's postmaster (see {@link ServerProcesses#sharedMemoryId}). */
    private static Optional<String> sharedMemoryId(Node n) {
        return ServerProcesses.sharedMemoryId(n.dataDirectory().resolve("postmaster.pid"));
    }

    /**
     * A postmaster killed with SIGKILL leaves its small System V segment behind when a new postmaster starts
     * before the old backends have detached; once nothing is attached any more, remove it.
     */
    private void removeOrphanedSegments() {
        ServerProcesses.removeOrphanedSegments(killedSegments);
    }

    /** The last lines of etcd's, each Patroni's and each PostgreSQL's log. */
    public String logTails() {
        StringBuilder sb = new StringBuilder();
        sb.append(ServerProcesses.tail(root.resolve("etcd").resolve("etcd.log"), 15));
        for (Node n : nodes) {
            sb.append(ServerProcesses.tail(n.dir.resolve("patroni.log"), 60));
            sb.append(ServerProcesses.tail(n.dir.resolve("pglog"), 20));
        }
        return sb.toString();
    }

    /** The temp folder holding data and logs. */
    public Path directory() {
        return root;
    }

    /** Stops every Patroni (which stops its PostgreSQL), then etcd, and removes the temp folder. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Node n : nodes) { // removed at the end if a postmaster had to be killed
            sharedMemoryId(n).ifPresent(killedSegments::add);
        }
        // In parallel: each Patroni stops its PostgreSQL (fast shutdown) within a few seconds.
        List<Thread> stoppers = new ArrayList<>();
        for (Node n : nodes) {
            Thread t = new Thread(() -> ServerProcesses.stopTree(n.process, 20), "pgkeeper-test-patroni-stop-" + n.name);
            t.start();
            stoppers.add(t);
        }
        for (Thread t : stoppers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Node n : nodes) { // a postmaster Patroni lost track of (it should not happen)
            n.postmasterPid().flatMap(ProcessHandle::of)
                    .filter(h -> h.info().command().orElse("").endsWith("/postgres"))
                    .ifPresent(ProcessHandle::destroyForcibly);
        }
        ServerProcesses.stopTree(etcd, 10);
        removeOrphanedSegments();
        LIVE.remove(this);
        ServerProcesses.deleteRecursively(root);
    }

    @Override
    public String toString() {
        return "PatroniCluster" + nodes + " in " + root;
    }
}
