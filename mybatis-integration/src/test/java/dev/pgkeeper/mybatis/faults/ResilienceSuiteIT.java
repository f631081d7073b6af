package dev.pgkeeper.mybatis.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCategorizer;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.mybatis.BaseRepository;
import dev.pgkeeper.mybatis.MyBatisClient;
import dev.pgkeeper.testing.Await;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.PasswordGuard;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.PrivateServerTest;
import dev.pgkeeper.testing.TcpProxy;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import javax.sql.DataSource;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What pgkeeper promises when PostgreSQL breaks under load, measured. Sixteen threads insert rows with
 * client-generated ids, each in its own transaction through {@link LedgerRepository} ({@code useTransaction}
 * on a {@link MyBatisClient}), while a private server is restarted, crashed, stopped, cut off or starved.
 * Then the same load runs on a twin, what a user glues by hand today: {@link PlainLedgerRepository}, the same
 * {@link LedgerMapper} through plain MyBatis ({@code openSession(false)}, commit, close, on a
 * {@link JdbcTransactionFactory}) on plain HikariCP with the same pool size and connection and socket
 * timeouts; its failures are categorized by {@link ErrorCategorizer}, so both runs count them alike. The twin
 * runs second, in a JVM the pgkeeper run has warmed up.
 *
 * <p>Each run prints one line
 * {@code RESILIENCE <run> acked=<n> lost=<n> failed=<n> unknown=<n> recovery_ms=<n> longest_failed_ms=<n>
 * before_per_s=<n> after_per_s=<n>}, where the last two are acknowledged writes per second in the healthy
 * windows: before the fault (from the writers' start plus a {@value #WARM_UP_MS} ms warm-up to the fault) and
 * after it (from the first success after the heal plus {@value #SETTLE_MS} ms to the writers' stop); and a
 * {@code RESILIENCE-DETAIL} line with how long failed calls took. The twin's runs end in
 * {@code -plain-mybatis}. After both runs of a scenario,
 * {@code RESILIENCE-COMPARE <scenario> healthy_per_s pgkeeper/plain-mybatis before=<ratio> after=<ratio>}.
 * Every line is also appended to {@code target/resilience-figures.txt}.
 *
 * <p>Asserted for pgkeeper: no acknowledged write lost, no failure left UNKNOWN_ERROR, black-holed calls fail
 * within the socket or connection timeout plus 1 s, pool exhaustion is POOL_EXHAUSTED within the connection
 * timeout plus 10 %, and afterwards the manager is connected with no connection lent out and, once
 * disconnected, no thread left. Recovery times and throughput are measured and printed, not asserted: the
 * machine is shared. Nothing is asserted for the twin.
 */
@PrivateServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResilienceSuiteIT {

    private static final int WRITERS = 16;
    private static final int POOL_SIZE = 8;
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(3);
    /*
     * The healthy windows. Measured in 250 ms slices on the shared 2-core machine, the first slice after the writers
     * start runs at about half the steady rate on both stacks (connections still opening), and single slices vary by
     * 20-30 %: five slices average that to about 10 %, less than runs differ from each other when other builds share
     * the machine, so longer windows buy little. These add 1.25 s per run (17.5 s for the suite).
     */
    /** Writers run this long before the healthy window before the fault opens. */
    private static final long WARM_UP_MS = 500;
    /** The healthy window before the fault. */
    private static final long HEALTHY_BEFORE_MS = 1_250;
    /** After the first success past the heal, writers run this long before the healthy window after the fault opens. */
    private static final long SETTLE_MS = 250;
    /** The healthy window after the fault. */
    private static final long HEALTHY_AFTER_MS = 1_250;
    private static final Path FIGURES = Path.of("target", "resilience-figures.txt");
    private static final String PASSWORD = "Res1lience-Pw";

    /** The table every scenario writes to. */
    public interface LedgerMapper {
        @Insert("INSERT INTO ledger (id, writer) VALUES (#{id}, #{writer})")
        int insert(@Param("id") String id, @Param("writer") int writer);
    }

    /** A repository over the ledger; callers run {@link #record} in {@code client.useTransaction}. */
    static final class LedgerRepository extends BaseRepository<LedgerMapper> {
        LedgerRepository(MyBatisClient client) {
            super(client, LedgerMapper.class);
        }

        void record(String id, int writer) {
            mapper().insert(id, writer);
        }
    }

    /**
     * The twin of {@link LedgerRepository} without pgkeeper: the same mapper through a plain
     * {@link SqlSessionFactory} on a pool of the caller's, one session and one transaction per write.
     */
    static final class PlainLedgerRepository {
        private final SqlSessionFactory sessions;

        PlainLedgerRepository(DataSource dataSource) {
            Configuration configuration = new Configuration(
                    new Environment("plain-mybatis", new JdbcTransactionFactory(), dataSource));
            configuration.addMapper(LedgerMapper.class);
            sessions = new SqlSessionFactoryBuilder().build(configuration);
        }

        /** Inserts and commits; throws MyBatis's {@link PersistenceException} on failure. */
        void record(String id, int writer) {
            try (SqlSession session = sessions.openSession(false)) {
                session.getMapper(LedgerMapper.class).insert(id, writer);
                session.commit();
            }
        }
    }

    /** One write: what was tried, how long it took, and how it ended. */
    private record Call(String id, long start, long end, ErrorCode failure) {
        boolean ok() {
            return failure == null;
        }

        long millis() {
            return (end - start) / 1_000_000;
        }
    }

    /** Writes one row in a transaction; returns null on success or the failure's code. */
    @FunctionalInterface
    private interface Writer {
        ErrorCode write(String id, int writer);
    }

    /** A fault: break it, then heal it and say when the database was usable again (System.nanoTime()). */
    private interface Fault {
        void inject() throws Exception;

        long heal() throws Exception;
    }

    private final PrivateServer server;
    private TestDatabase db;
    private TcpProxy proxy;

    ResilienceSuiteIT(PrivateServer server) {
        this.server = server;
    }

    @BeforeAll
    void setUp() throws Exception {
        TestDatabase admin = server.createDatabase("resilience");
        db = server.createLoginRole("resilient", PASSWORD, admin.database());
        try (Connection c = admin.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ledger (id text PRIMARY KEY, writer int NOT NULL, at timestamptz NOT NULL DEFAULT now())");
            s.execute("ALTER TABLE ledger OWNER TO resilient");
        }
        proxy = TcpProxy.start(server.host(), server.port());
        Files.deleteIfExists(FIGURES);
    }

    @AfterAll
    void tearDown() {
        proxy.close();
    }

    // ---------------------------------------------------------------------------------------- scenarios

    @Test
    @Order(1)
    void restart() throws Exception {
        both("restart", holder -> serverFault(server::stop));
    }

    @Test
    @Order(2)
    void killThenStart() throws Exception {
        both("kill-9", holder -> serverFault(server::kill));
    }

    @Test
    @Order(3)
    void downForTenSeconds() throws Exception {
        both("down-10s", holder -> new Fault() {
            @Override
            public void inject() {
                server.stop();
            }

            @Override
            public long heal() throws Exception {
                Thread.sleep(10_000);
                return server.startAndAwaitFirstConnection(Duration.ofSeconds(60));
            }
        });
    }

    @Test
    @Order(4)
    void connectionsReset() throws Exception {
        both("proxy-reset", holder -> new Fault() {
            private long at;

            @Override
            public void inject() {
                at = System.nanoTime();
                proxy.resetAll();
            }

            @Override
            public long heal() {
                return at;
            }
        }, true);
    }

    @Test
    @Order(5)
    void blackHoleForFiveSeconds() throws Exception {
        both("proxy-blackhole-5s", holder -> timedProxyFault(() -> proxy.mode(TcpProxy.Mode.BLACK_HOLE),
                () -> proxy.mode(TcpProxy.Mode.FORWARD), 5_000), true);
    }

    @Test
    @Order(6)
    void latencyOf200Ms() throws Exception {
        both("proxy-latency-200ms", holder -> timedProxyFault(() -> proxy.latencyMillis(200),
                () -> proxy.latencyMillis(0), 3_000), true);
    }

    @Test
    @Order(7)
    void poolExhaustion() throws Exception {
        both("pool-exhaustion", holders -> new Fault() {
            private final List<Thread> sleepers = new ArrayList<>();

            @Override
            public void inject() {
                for (int i = 0; i < POOL_SIZE * 2; i++) {
                    Thread t = new Thread(holders, "test-sleeper-" + i);
                    t.setDaemon(true);
                    sleepers.add(t);
                    t.start();
                }
            }

            @Override
            public long heal() throws Exception {
                for (Thread t : sleepers) {
                    t.join(30_000);
                }
                return System.nanoTime();
            }
        });
    }

    // ---------------------------------------------------------------------------------------- runs

    private void both(String scenario, Function<Runnable, Fault> fault) throws Exception {
        both(scenario, fault, false);
    }

    /**
     * Runs the scenario with pgkeeper, then with plain MyBatis on plain HikariCP, and compares their healthy
     * throughput.
     *
     * @param fault builds the fault, given a task that holds one pooled connection busy (for exhaustion)
     */
    private void both(String scenario, Function<Runnable, Fault> fault, boolean viaProxy) throws Exception {
        Result pgkeeper = onPgkeeper(scenario, fault, viaProxy);
        Result plain = onPlainMyBatis(scenario + "-plain-mybatis", fault, viaProxy);
        report(String.format(Locale.ROOT, "RESILIENCE-COMPARE %s healthy_per_s pgkeeper/plain-mybatis before=%s after=%s",
                scenario, ratio(pgkeeper.beforePerSecond, plain.beforePerSecond),
                ratio(pgkeeper.afterPerSecond, plain.afterPerSecond)));
    }

    private Result onPgkeeper(String scenario, Function<Runnable, Fault> fault, boolean viaProxy) throws Exception {
        String url = viaProxy ? "postgresql://resilient:" + PASSWORD + "@127.0.0.1:" + proxy.port() + "/" + db.database()
                : db.url();
        PasswordGuard.register(PASSWORD);

        ConnectionManager manager = ConnectionManager.create(DatabaseConfig.builder().url(url).poolSize(POOL_SIZE)
                .connectionTimeout(CONNECTION_TIMEOUT).socketTimeout(SOCKET_TIMEOUT).statementTimeout(Duration.ofSeconds(2))
                .probeTimeout(Duration.ofSeconds(1)).reconnectInterval(Duration.ofSeconds(1)).build());
        Result result;
        try {
            assertThat(manager.initializeConnection().success()).isTrue();
            MyBatisClient client = MyBatisClient.builder().connectionManager(manager).addMapper(LedgerMapper.class).build();
            LedgerRepository ledger = new LedgerRepository(client);
            Writer writer = (id, w) -> {
                try {
                    client.useTransaction(() -> ledger.record(id, w));
                    return null;
                } catch (DatabaseError e) {
                    return e.code();
                }
            };
            result = measure(scenario, writer, fault.apply(holdingOneConnection(manager.dataSource())));

            assertThat(result.lost).as("acknowledged writes lost").isZero();
            assertThat(result.unknown).as("failures left UNKNOWN_ERROR: %s", result.unknownCalls).isZero();
            if (scenario.startsWith("proxy-blackhole")) {
                // Bounded by the timeout, not hanging (plain pgjdbc waits 39 s and more): the timeout plus 1 s of
                // scheduling on the shared 2-core machine, where 10 % (300 ms) was once exceeded by 31 ms in CI.
                long bound = Math.max(CONNECTION_TIMEOUT.toMillis(), SOCKET_TIMEOUT.toMillis()) + 1_000;
                assertThat(result.maxFailedMillis).as("black-holed calls fail within the timeout + 1 s").isLessThanOrEqualTo(bound);
            }
            if (scenario.equals("pool-exhaustion")) {
                assertThat(result.failureCodes).as("only pool exhaustion").containsOnly(ErrorCode.POOL_EXHAUSTED);
                assertThat(result.maxFailedMillis).isLessThanOrEqualTo((long) (CONNECTION_TIMEOUT.toMillis() * 1.1));
            }
            Await.until("connected after " + scenario, Duration.ofSeconds(15), manager::isConnected);
            Await.until("no connection lent out after " + scenario, Duration.ofSeconds(15),
                    () -> manager.getConnectionStatus().pool().active() == 0);
            assertThat(writer.write(UUID.randomUUID().toString(), -1)).as("serves normally afterwards").isNull();
        } finally {
            manager.disconnect();
        }
        TestThreads.assertNoPgkeeperThreads(CONNECTION_TIMEOUT.plusSeconds(5));
        return result;
    }

    private Result onPlainMyBatis(String run, Function<Runnable, Fault> fault, boolean viaProxy) throws Exception {
        try (HikariDataSource plain = plainHikari(viaProxy)) {
            PlainLedgerRepository ledger = new PlainLedgerRepository(plain);
            Writer writer = (id, w) -> {
                try {
                    ledger.record(id, w);
                    return null;
                } catch (PersistenceException e) {
                    return ErrorCategorizer.categorize(sqlCause(e)).code();
                }
            };
            return measure(run, writer, fault.apply(holdingOneConnection(plain)));
        }
    }

    /**
     * The SQLException MyBatis wrapped (as mybatis-spring translates a PersistenceException by its cause), or
     * {@code e} itself when there is none.
     */
    private static Throwable sqlCause(PersistenceException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                return t;
            }
        }
        return e;
    }

    /** A task that holds one connection of {@code pool} busy for 4 s; those beyond the pool's size time out. */
    private static Runnable holdingOneConnection(DataSource pool) {
        return () -> {
            try {
                Jdbc.holdConnection(pool, 4);
            } catch (SQLException e) {
                // the extra holders time out: that is the point
            }
        };
    }

    private HikariDataSource plainHikari(boolean viaProxy) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("plain-hikari");
        hc.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + (viaProxy ? proxy.port() : server.port()) + "/" + db.database());
        hc.setUsername("resilient");
        hc.setPassword(PASSWORD);
        hc.setMaximumPoolSize(POOL_SIZE);
        hc.setMinimumIdle(2);
        hc.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        hc.addDataSourceProperty("connectTimeout", String.valueOf(CONNECTION_TIMEOUT.toSeconds()));
        hc.addDataSourceProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT.toSeconds()));
        return new HikariDataSource(hc);
    }

    /** What one scenario produced. */
    private static final class Result {
        int acked;
        int lost;
        int failed;
        int unknown;
        long recoveryMillis;
        long maxFailedMillis;
        /** Acknowledged writes per second in the healthy window before the fault. */
        double beforePerSecond;
        /** The same after the fault, or -1 when the database never came back. */
        double afterPerSecond;
        Set<ErrorCode> failureCodes = new HashSet<>();
        List<Call> unknownCalls = new ArrayList<>();
    }

    /** Runs {@link #WRITERS} writers through the fault and reports what they saw as {@code run}. */
    private Result measure(String run, Writer writer, Fault fault) throws Exception {
        truncate();
        ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch stopped = new CountDownLatch(WRITERS);
        for (int w = 0; w < WRITERS; w++) {
            int writerId = w;
            Thread t = new Thread(() -> {
                try {
                    while (running.get()) {
                        String id = UUID.randomUUID().toString();
                        long start = System.nanoTime();
                        ErrorCode failure = writer.write(id, writerId);
                        calls.add(new Call(id, start, System.nanoTime(), failure));
                        if (failure != null) {
                            sleep(5); // a request loop does not spin on a failing database
                        }
                    }
                } finally {
                    stopped.countDown();
                }
            }, "test-writer-" + w);
            t.setDaemon(true);
            t.start();
        }
        long started = System.nanoTime();
        sleep(WARM_UP_MS + HEALTHY_BEFORE_MS);

        long faultStart = System.nanoTime();
        fault.inject();
        long ready = fault.heal();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (firstSuccessAfter(calls, faultStart, ready) == Long.MAX_VALUE && System.nanoTime() < deadline) {
            sleep(10);
        }
        sleep(SETTLE_MS + HEALTHY_AFTER_MS);
        long stop = System.nanoTime();
        running.set(false);
        assertThat(stopped.await(30, TimeUnit.SECONDS)).as("writers stopped").isTrue();

        Result r = new Result();
        List<Call> all = new ArrayList<>(calls);
        Set<String> acked = new HashSet<>();
        List<Long> failedDuringFault = new ArrayList<>();
        for (Call c : all) {
            if (c.ok()) {
                acked.add(c.id());
                continue;
            }
            r.failed++;
            r.failureCodes.add(c.failure());
            r.maxFailedMillis = Math.max(r.maxFailedMillis, c.millis());
            if (c.failure() == ErrorCode.UNKNOWN_ERROR) {
                r.unknown++;
                r.unknownCalls.add(c);
            }
            if (c.end() >= faultStart) {
                failedDuringFault.add(c.millis());
            }
        }
        r.acked = acked.size();
        Set<String> stored = storedIds();
        r.lost = (int) acked.stream().filter(id -> !stored.contains(id)).count();
        long back = firstSuccessAfter(calls, faultStart, ready);
        r.recoveryMillis = back == Long.MAX_VALUE ? -1 : Math.max(0, (back - ready) / 1_000_000);
        r.beforePerSecond = ackedPerSecond(all, started + TimeUnit.MILLISECONDS.toNanos(WARM_UP_MS), faultStart);
        r.afterPerSecond = back == Long.MAX_VALUE ? -1 : ackedPerSecond(all, back + TimeUnit.MILLISECONDS.toNanos(SETTLE_MS), stop);
        failedDuringFault.sort(null);
        all.stream().filter(c -> !c.ok() && c.millis() > 3_300).limit(5).forEach(c -> System.out.println(
                "RESILIENCE-SLOW " + run + " start_ms=" + (c.start() - faultStart) / 1_000_000 + " took_ms=" + c.millis()
                        + " code=" + c.failure()));
        report(String.format(Locale.ROOT,
                "RESILIENCE %s acked=%d lost=%d failed=%d unknown=%d recovery_ms=%d longest_failed_ms=%d before_per_s=%d after_per_s=%d",
                run, r.acked, r.lost, r.failed, r.unknown, r.recoveryMillis, r.maxFailedMillis,
                Math.round(r.beforePerSecond), Math.round(r.afterPerSecond)));
        report(String.format(Locale.ROOT, "RESILIENCE-DETAIL %s failed_call_ms median=%d p99=%d max=%d codes=%s", run,
                percentile(failedDuringFault, 50), percentile(failedDuringFault, 99), r.maxFailedMillis, r.failureCodes));
        return r;
    }

    /** End of the first successful write that started after the fault began and ended after {@code ready}. */
    private static long firstSuccessAfter(ConcurrentLinkedQueue<Call> calls, long faultStart, long ready) {
        long first = Long.MAX_VALUE;
        for (Call c : calls) {
            if (c.ok() && c.start() > faultStart && c.end() >= ready) {
                first = Math.min(first, c.end());
            }
        }
        return first;
    }

    /** Writes acknowledged (their commit returned) from {@code from} to {@code to} (System.nanoTime()), per second. */
    private static double ackedPerSecond(List<Call> calls, long from, long to) {
        long acked = calls.stream().filter(c -> c.ok() && c.end() >= from && c.end() < to).count();
        return acked * 1e9 / (to - from);
    }

    /** {@code ours / theirs} with two decimals, or {@code n/a} when either is missing. */
    private static String ratio(double ours, double theirs) {
        return ours < 0 || theirs <= 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", ours / theirs);
    }

    private Fault serverFault(ThrowingRunnable breakIt) {
        return new Fault() {
            @Override
            public void inject() throws Exception {
                breakIt.run();
            }

            @Override
            public long heal() {
                return server.startAndAwaitFirstConnection(Duration.ofSeconds(60));
            }
        };
    }

    private Fault timedProxyFault(Runnable on, Runnable off, long millis) {
        return new Fault() {
            @Override
            public void inject() {
                on.run();
            }

            @Override
            public long heal() throws Exception {
                Thread.sleep(millis);
                off.run();
                return System.nanoTime();
            }
        };
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
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

    private static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static void report(String line) throws IOException {
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
