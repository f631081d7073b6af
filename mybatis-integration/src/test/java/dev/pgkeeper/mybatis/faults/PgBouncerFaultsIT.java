package dev.pgkeeper.mybatis.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCategorizer;
import dev.pgkeeper.PgBouncerMode;
import dev.pgkeeper.mybatis.BaseRepository;
import dev.pgkeeper.mybatis.MyBatisClient;
import dev.pgkeeper.testing.Await;
import dev.pgkeeper.testing.PgBouncerServer;
import dev.pgkeeper.testing.PgBouncerServer.PoolMode;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.SeveralServersTest;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 10, measured: faults under load behind Debian's PgBouncer 1.18, pgkeeper and plain HikariCP side by
 * side. In each run two clients write at the same time through the same PgBouncer, 8 writer threads each,
 * every write one row with a client-generated id in a transaction of its own:
 * <ul>
 *   <li>{@code pgkeeper}: a {@link ConnectionManager} with {@code DB_PGBOUNCER} set to the pool mode (pool 8,
 *       connection timeout 2 s, probe timeout 1 s, reconnect interval 500 ms), writing through a MyBatis
 *       repository in {@code useTransaction}; MyBatis marks a failed commit whose outcome is unknown
 *       ({@link DatabaseError#isOutcomeUnknown()});</li>
 *   <li>{@code plain-hikari}: HikariCP 7.1 and pgjdbc 42.7 (pool 8, connectionTimeout 2 s, pgjdbc's defaults,
 *       plus {@code prepareThreshold=0} in transaction mode, without which it fails at once), raw JDBC with
 *       autocommit off and a commit; it cannot mark anything.</li>
 * </ul>
 * Scenarios: {@code pg-restart}, a fast shutdown of the private PostgreSQL behind PgBouncer ({@code pg_ctl stop
 * -m fast}) and a start; {@code bouncer-restart}, PgBouncer stopped (SIGTERM) and started on the same port. Each
 * in transaction and session mode, {@value #DEFAULT_RUNS} runs each (system property
 * {@code pgkeeper.pgbouncer.runs}). Every run prints one line per client,
 * {@code PGBOUNCER <scenario> <mode> <client> run=<n> acked= failed= lost= unknown_marked=
 * failed_but_committed_unmarked= first_write_after_recovery_ms= outage_ms= max_call_ms=}, and after the runs a
 * line with {@code run=median}; all go to {@code target/pgbouncer-figures.txt}.
 *
 * <p>Keys: {@code acked} writes whose commit returned; {@code failed} writes that threw; {@code lost} acked ids
 * missing from the table afterwards; {@code unknown_marked} failures marked outcome-unknown;
 * {@code failed_but_committed_unmarked} failed writes whose row is in the table all the same and that were not
 * marked; {@code first_write_after_recovery_ms} from the moment the restarted process accepts connections again
 * to the end of the first write, begun after the fault started, that succeeded; {@code outage_ms} the longest
 * time in the run (from its writers' start to their stop) without any write of this client succeeding;
 * {@code max_call_ms} the longest write, failed or not. A {@code PGBOUNCER-DETAIL} line per client and run gives
 * the failures' codes ({@link ErrorCategorizer} for plain HikariCP) and SQLStates.
 *
 * <p>PgBouncer runs with {@code server_login_retry = 1} (default 15 s): after a failed login to the server it
 * waits that long before trying again, holding or refusing every client meanwhile, so with the default a
 * PostgreSQL restart costs both clients about 15 s whatever they do. {@code default_pool_size} is 4 in
 * transaction mode (16 client connections share 4 server connections) and 20 in session mode, where each client
 * connection holds a server connection of its own.
 *
 * <p>Asserted, for pgkeeper only: no acknowledged write lost, and a write succeeds within 10 s of the restarted
 * process accepting connections (so "never recovers" fails). The rest is measured, not asserted: the machine is
 * shared.
 */
@SeveralServersTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PgBouncerFaultsIT {

    private static final int WRITERS = 8;
    private static final int POOL_SIZE = 8;
    private static final int DEFAULT_RUNS = 3;
    private static final int RUNS = Integer.getInteger("pgkeeper.pgbouncer.runs", DEFAULT_RUNS);
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(10);
    private static final long WARM_MILLIS = 800;
    /**
     * PgBouncer's wait after a failed login to the server (default 15 s), during which it holds or refuses
     * clients; after a PostgreSQL restart that wait, not the client, decides when writes succeed again.
     */
    private static final int SERVER_LOGIN_RETRY_SECONDS = 1;
    private static final long AFTER_RECOVERY_MILLIS = 700;
    private static final Path FIGURES = Path.of("target", "pgbouncer-figures.txt");
    private static final String USER = "bouncer_faults";
    private static final String DETAIL = "#failures";
    private static final String PASSWORD = "Bouncer-Faults-Pw-8804";
    private static final List<String> KEYS = List.of("acked", "failed", "lost", "unknown_marked",
            "failed_but_committed_unmarked", "first_write_after_recovery_ms", "outage_ms", "max_call_ms");

    /** The table every run writes to. */
    public interface LedgerMapper {
        @Insert("INSERT INTO ledger (id, client) VALUES (#{id}, #{client})")
        int insert(@Param("id") String id, @Param("client") String client);
    }

    /** A repository over the ledger. */
    static final class LedgerRepository extends BaseRepository<LedgerMapper> {
        LedgerRepository(MyBatisClient client) {
            super(client, LedgerMapper.class);
        }

        void record(String id) {
            mapper().insert(id, "pgkeeper");
        }
    }

    /** One write. */
    private record Call(String id, long start, long end, boolean ok, boolean unknownMarked, String failure) {
        long millis() {
            return (end - start) / 1_000_000;
        }
    }

    /** Makes one write with id {@code id}; returns normally when its commit returned. */
    @FunctionalInterface
    private interface Write {
        void write(String id) throws Exception;
    }

    private PrivateServer server;
    private TestDatabase db;

    @BeforeAll
    void startServer() throws SQLException, IOException {
        server = PrivateServer.startNew();
        TestDatabase admin = server.createDatabase("bouncer_faults");
        db = server.createLoginRole(USER, PASSWORD, admin.database());
        try (Connection c = admin.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ledger (id text PRIMARY KEY, client text NOT NULL)");
            s.execute("ALTER TABLE ledger OWNER TO " + USER);
        }
        Files.deleteIfExists(FIGURES);
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void postgresRestartBehindTransactionMode() throws Exception {
        scenario("pg-restart", PoolMode.TRANSACTION, bouncer -> this::restartPostgres);
    }

    @Test
    @Order(2)
    void bouncerRestartInTransactionMode() throws Exception {
        scenario("bouncer-restart", PoolMode.TRANSACTION, bouncer -> () -> restartBouncer(bouncer));
    }

    @Test
    @Order(3)
    void postgresRestartBehindSessionMode() throws Exception {
        scenario("pg-restart", PoolMode.SESSION, bouncer -> this::restartPostgres);
    }

    @Test
    @Order(4)
    void bouncerRestartInSessionMode() throws Exception {
        scenario("bouncer-restart", PoolMode.SESSION, bouncer -> () -> restartBouncer(bouncer));
    }

    /** A fault: does it and returns when the restarted process accepts connections again (System.nanoTime()). */
    @FunctionalInterface
    private interface Fault {
        long inject() throws Exception;
    }

    private void scenario(String name, PoolMode mode, Function<PgBouncerServer, Fault> fault) throws Exception {
        String modeName = mode.name().toLowerCase(Locale.ROOT);
        Map<String, List<Map<String, Long>>> byClient = new LinkedHashMap<>();
        // Session mode ties a server connection to each client connection: room for both pools and the probes.
        String poolSize = mode == PoolMode.SESSION ? "20" : "4";
        try (PgBouncerServer bouncer = PgBouncerServer.start(server.host(), server.port(), USER, PASSWORD, mode,
                Map.of("server_login_retry", Integer.toString(SERVER_LOGIN_RETRY_SECONDS), "default_pool_size", poolSize))) {
            for (int run = 1; run <= RUNS; run++) {
                Map<String, Map<String, Long>> figures = run(bouncer, mode, fault.apply(bouncer));
                for (Map.Entry<String, Map<String, Long>> e : figures.entrySet()) {
                    if (e.getKey().endsWith(DETAIL)) {
                        continue;
                    }
                    report(name, modeName, e.getKey(), Integer.toString(run), e.getValue());
                    write("PGBOUNCER-DETAIL " + name + " " + modeName + " " + e.getKey() + " run=" + run + " failures="
                            + figures.get(e.getKey() + DETAIL));
                    byClient.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
                }
            }
        }
        for (Map.Entry<String, List<Map<String, Long>>> e : byClient.entrySet()) {
            Map<String, Long> median = new LinkedHashMap<>();
            for (String key : KEYS) {
                List<Long> values = e.getValue().stream().map(m -> m.get(key)).sorted().toList();
                median.put(key, values.get((values.size() - 1) / 2));
            }
            report(name, modeName, e.getKey(), "median", median);
        }
        for (Map<String, Long> pgkeeper : byClient.get("pgkeeper")) {
            assertThat(pgkeeper.get("lost")).as("pgkeeper: acknowledged writes lost in %s %s", name, modeName).isZero();
            assertThat(pgkeeper.get("first_write_after_recovery_ms"))
                    .as("pgkeeper: a write succeeds within %s of the restart in %s %s (-1: none)", RECOVERY_BOUND, name,
                            modeName)
                    .isBetween(0L, RECOVERY_BOUND.toMillis());
        }
    }

    /** One run: both clients write, the fault happens, both recover; returns each client's figures. */
    private Map<String, Map<String, Long>> run(PgBouncerServer bouncer, PoolMode mode, Fault fault) throws Exception {
        truncate();
        PgBouncerMode setting = mode == PoolMode.TRANSACTION ? PgBouncerMode.TRANSACTION : PgBouncerMode.SESSION;
        Map<String, Map<String, Long>> result = new LinkedHashMap<>();
        ConnectionManager manager = ConnectionManager.create(DatabaseConfig.builder().url(bouncer.url(db.database()))
                .pgBouncer(setting).poolSize(POOL_SIZE).connectionTimeout(CONNECTION_TIMEOUT)
                .probeTimeout(Duration.ofSeconds(1)).reconnectInterval(Duration.ofMillis(500)).build());
        try (HikariDataSource plain = plainHikari(bouncer, mode)) {
            assertThat(manager.initializeConnection().success()).isTrue();
            MyBatisClient client = MyBatisClient.builder().connectionManager(manager).addMapper(LedgerMapper.class).build();
            LedgerRepository ledger = new LedgerRepository(client);
            Write viaPgkeeper = id -> client.useTransaction(() -> ledger.record(id));
            Write viaHikari = id -> {
                try (Connection c = plain.getConnection()) {
                    c.setAutoCommit(false);
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger (id, client) VALUES (?, ?)")) {
                        ps.setString(1, id);
                        ps.setString(2, "plain-hikari");
                        ps.executeUpdate();
                    }
                    c.commit();
                }
            };
            Load pgkeeper = new Load("pgkeeper", viaPgkeeper).start();
            Load hikari = new Load("plain-hikari", viaHikari).start();
            long faultStart;
            long ready;
            try {
                Thread.sleep(WARM_MILLIS);
                faultStart = System.nanoTime();
                ready = fault.inject();
                long deadline = ready + RECOVERY_BOUND.toNanos() + TimeUnit.SECONDS.toNanos(2);
                while ((pgkeeper.firstSuccessAfter(faultStart, ready) < 0 || hikari.firstSuccessAfter(faultStart, ready) < 0)
                        && System.nanoTime() - deadline < 0) {
                    Thread.sleep(10);
                }
                Thread.sleep(AFTER_RECOVERY_MILLIS);
            } finally {
                pgkeeper.stop();
                hikari.stop();
            }
            assertThat(pgkeeper.join() && hikari.join()).as("writers stopped").isTrue();

            Set<String> stored = storedIds();
            result.put("pgkeeper", pgkeeper.figures(stored, faultStart, ready));
            result.put("plain-hikari", hikari.figures(stored, faultStart, ready));
            result.put("pgkeeper" + DETAIL, pgkeeper.failures());
            result.put("plain-hikari" + DETAIL, hikari.failures());

            Await.until("pgkeeper connected after the run", Duration.ofSeconds(15), manager::isConnected);
            Await.until("no connection lent out after the run", Duration.ofSeconds(15),
                    () -> manager.getConnectionStatus().pool().active() == 0);
        } finally {
            manager.disconnect();
        }
        TestThreads.assertNoPgkeeperThreads(CONNECTION_TIMEOUT.plusSeconds(5));
        return result;
    }

    private HikariDataSource plainHikari(PgBouncerServer bouncer, PoolMode mode) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("plain-hikari");
        hc.setJdbcUrl(bouncer.jdbcUrl(db.database()));
        hc.setUsername(USER);
        hc.setPassword(PASSWORD);
        hc.setMaximumPoolSize(POOL_SIZE);
        hc.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        if (mode == PoolMode.TRANSACTION) {
            hc.addDataSourceProperty("prepareThreshold", "0");
        }
        return new HikariDataSource(hc);
    }

    /** Fast shutdown of PostgreSQL behind PgBouncer, then a start; returns when it accepts connections. */
    private long restartPostgres() {
        server.stop();
        return server.startAndAwaitFirstConnection(Duration.ofSeconds(60));
    }

    /** PgBouncer stopped (SIGTERM) and started on the same port; returns when the port accepts connections. */
    private static long restartBouncer(PgBouncerServer bouncer) {
        bouncer.restart();
        return System.nanoTime();
    }

    /** {@value #WRITERS} threads writing through one client until stopped. */
    private static final class Load {
        private final String client;
        private final Write write;
        private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong sequence = new AtomicLong();
        private final List<Thread> threads = new ArrayList<>();
        private long startedAt;
        private long stoppedAt;

        Load(String client, Write write) {
            this.client = client;
            this.write = write;
        }

        Load start() {
            startedAt = System.nanoTime();
            for (int w = 0; w < WRITERS; w++) {
                Thread t = new Thread(this::loop, "pgkeeper-test-" + client + "-writer-" + w);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            return this;
        }

        private void loop() {
            while (running.get()) {
                String id = client + "-" + sequence.incrementAndGet();
                long start = System.nanoTime();
                boolean ok = true;
                boolean unknown = false;
                String failure = null;
                try {
                    write.write(id);
                } catch (DatabaseError e) {
                    ok = false;
                    unknown = e.isOutcomeUnknown();
                    failure = e.code() + "/" + e.sqlState();
                } catch (Exception e) {
                    ok = false;
                    DatabaseError categorized = ErrorCategorizer.categorize(e);
                    failure = categorized.code() + "/" + categorized.sqlState();
                }
                calls.add(new Call(id, start, System.nanoTime(), ok, unknown, failure));
                if (!ok) {
                    sleep(5); // a request loop does not spin on a failing database
                }
            }
        }

        void stop() {
            stoppedAt = System.nanoTime();
            running.set(false);
        }

        boolean join() throws InterruptedException {
            for (Thread t : threads) {
                t.join(30_000);
            }
            return threads.stream().noneMatch(Thread::isAlive);
        }

        /** End of the first successful write begun after {@code faultStart} and ended after {@code ready}; -1 if none. */
        long firstSuccessAfter(long faultStart, long ready) {
            return calls.stream().filter(c -> c.ok() && c.start() - faultStart >= 0 && c.end() - ready >= 0)
                    .mapToLong(Call::end).min().orElse(-1);
        }

        /** Failure code/SQLState and how often each occurred. */
        Map<String, Long> failures() {
            Map<String, Long> counts = new java.util.TreeMap<>();
            calls.stream().filter(c -> !c.ok()).forEach(c -> counts.merge(c.failure(), 1L, Long::sum));
            return counts;
        }

        Map<String, Long> figures(Set<String> stored, long faultStart, long ready) {
            List<Call> all = new ArrayList<>(calls);
            Set<String> acked = new HashSet<>();
            long failed = 0;
            long unknownMarked = 0;
            long committedUnmarked = 0;
            for (Call c : all) {
                if (c.ok()) {
                    acked.add(c.id());
                } else {
                    failed++;
                    if (c.unknownMarked()) {
                        unknownMarked++;
                    } else if (stored.contains(c.id())) {
                        committedUnmarked++;
                    }
                }
            }
            long lost = acked.stream().filter(id -> !stored.contains(id)).count();
            long first = firstSuccessAfter(faultStart, ready);
            List<Long> successEnds = new ArrayList<>();
            successEnds.add(startedAt);
            all.stream().filter(Call::ok).map(Call::end).sorted(Comparator.naturalOrder()).forEach(successEnds::add);
            successEnds.add(Math.max(stoppedAt, successEnds.get(successEnds.size() - 1)));
            long longestGap = 0;
            for (int i = 1; i < successEnds.size(); i++) {
                longestGap = Math.max(longestGap, successEnds.get(i) - successEnds.get(i - 1));
            }
            Map<String, Long> f = new LinkedHashMap<>();
            f.put("acked", (long) acked.size());
            f.put("failed", failed);
            f.put("lost", lost);
            f.put("unknown_marked", unknownMarked);
            f.put("failed_but_committed_unmarked", committedUnmarked);
            f.put("first_write_after_recovery_ms", first < 0 ? -1 : (first - ready) / 1_000_000);
            f.put("outage_ms", longestGap / 1_000_000);
            f.put("max_call_ms", all.stream().mapToLong(Call::millis).max().orElse(0));
            return f;
        }
    }

    private void truncate() throws SQLException {
        try (Connection c = server.admin(db.database()).connect(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE ledger");
        }
    }

    private Set<String> storedIds() throws SQLException {
        Set<String> ids = new HashSet<>();
        try (Connection c = server.admin(db.database()).connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM ledger")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static void report(String scenario, String mode, String client, String run, Map<String, Long> figures)
            throws IOException {
        StringBuilder line = new StringBuilder("PGBOUNCER ").append(scenario).append(' ').append(mode).append(' ')
                .append(client).append(" run=").append(run);
        for (String key : KEYS) {
            line.append(' ').append(key).append('=').append(figures.get(key));
        }
        write(line.toString());
    }

    private static void write(String line) throws IOException {
        System.out.println(line);
        Files.createDirectories(FIGURES.getParent());
        Files.writeString(FIGURES, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
