package dev.pgkeeper.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.ConnectionEvent;
import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.ConnectionPhase;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseCredentials;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.TestConfigs;
import dev.pgkeeper.testing.Await;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.PasswordGuard;
import dev.pgkeeper.testing.PrivateServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Passwords that change while the application runs, against a private server of this class (SCRAM for every role
 * but {@code postgres}, failed logins in its own log with millisecond timestamps). Eight writers insert rows through
 * the manager's DataSource while the role's password is changed on the server ({@code ALTER ROLE}) and in the
 * password file ({@code DB_PASSWORD_FILE}), and the role's sessions are terminated so that the pool must log in
 * again. Every write the server acknowledged must be in the table afterwards; {@code reconnect()} is never called.
 * The rotation tests print a {@code ROTATION} line with their figures and append it to
 * {@code target/rotation-figures.txt}; only behaviour is asserted (fail fast, recovery by itself), with wide margins.
 */
@Tag("private-server")
class CredentialRotationIT {

    private static final Logger LOG = LogManager.getLogger(CredentialRotationIT.class);
    private static final int WRITERS = 8;
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern FAILED_LOGIN =
            Pattern.compile("^(\\d+)\\.(\\d{3}):\\d+:FATAL:\\s+password authentication failed for user \"([^\"]+)\".*");

    /** Passwords the suite-wide guard looks for in every log line (PasswordGuard). */
    private static final String SUFFIX = java.util.UUID.randomUUID().toString().substring(0, 8);
    private static final String FIRST = "rot-first-" + SUFFIX;
    private static final String SECOND = "rot-second-" + SUFFIX;
    private static final String OLD = "rot-old-" + SUFFIX;
    private static final String NEW = "rot-new-" + SUFFIX;
    private static final String URL_PW = "rot-url-" + SUFFIX;
    private static final String CHANGED = "rot-changed-" + SUFFIX;

    private static PrivateServer server;
    private static Path serverLog;

    @TempDir
    Path dir;

    private ConnectionManager manager;
    private final List<ConnectionEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startServer() throws IOException {
        Path logs = Files.createTempDirectory("pgkeeper-rotation-log-");
        serverLog = logs.resolve("server.log");
        server = PrivateServer.create(PrivateServer.logToFile(logs));
        server.start();
        for (String password : List.of(FIRST, SECOND, OLD, NEW, URL_PW, CHANGED)) {
            PasswordGuard.register(password);
        }
    }

    @AfterAll
    static void stopServer() throws IOException {
        if (server != null) {
            server.close();
        }
        Files.deleteIfExists(serverLog);
        Files.deleteIfExists(serverLog.getParent());
    }

    @AfterEach
    void tearDown() {
        if (manager != null) {
            TestConfigs.disconnectChecked(manager);
        }
    }

    @Test
    void thePasswordRotatedOnTheServerAndInTheFileTogetherIsPickedUpWithoutARestart() throws Exception {
        String role = createRole("rotate_together", FIRST);
        Path file = Files.writeString(dir.resolve("db-password"), FIRST + "\n");
        manager = start(role, file);

        Writers writers = Writers.start(manager.dataSource(), role);
        writers.awaitSuccesses(200);
        long rotatedAt = System.nanoTime();
        admin("ALTER ROLE " + role + " PASSWORD '" + SECOND + "'");
        writeAtomically(file, SECOND + "\n");
        long fileChangedAt = System.nanoTime();
        writers.awaitSuccessAfter(fileChangedAt, Duration.ofSeconds(5));
        // Every open session goes: from here on the pool must log in again, with the new password.
        long terminatedAt = System.nanoTime();
        int terminated = terminateSessionsOf(role);
        writers.awaitSuccessAfter(System.nanoTime(), Duration.ofSeconds(5));
        Thread.sleep(2_000);
        writers.stop();

        Figures f = writers.figures(fileChangedAt);
        Figures afterRotation = writers.figuresBetween(fileChangedAt, Long.MAX_VALUE);
        long loginsRefused = failedLogins(role, rotatedAt);
        record("ROTATION together writers=" + WRITERS + " acknowledged=" + f.acknowledged + " failed_calls=" + f.failed
                + " longest_failed_call_ms=" + f.longestFailedMillis + " first_write_after_file_change_ms="
                + f.firstSuccessAfterMillis + " first_write_after_termination_ms="
                + writers.firstSuccessAfter(System.nanoTime(), terminatedAt) + " terminated=" + terminated
                + " failed_logins=" + loginsRefused + " failure_codes=" + f.codes);
        assertNothingLost(writers, role);
        assertThat(writers.firstCallAfter(fileChangedAt).failure).as("the first write after the rotation").isNull();
        assertThat(terminated).as("sessions of %s terminated", role).isPositive();
        assertThat(afterRotation.codes).as("calls after the rotation fail only where their session was terminated")
                .isSubsetOf(ErrorCode.NETWORK_ERROR);
        assertThat(writers.successesAfter(terminatedAt)).as("writes on connections logged in after the rotation")
                .isPositive();
        assertThat(loginsRefused).as("failed logins on the server: at most the pool's in the moment between"
                + " ALTER ROLE and the file's change").isLessThanOrEqualTo(2);
        assertThat(manager.getConnectionStatus().phase()).isEqualTo(ConnectionPhase.CONNECTED);
    }

    @Test
    void whileOnlyTheServerHasTheNewPasswordCallsFailFastThenRecoverWhenTheFileChanges() throws Exception {
        String role = createRole("rotate_server_first", OLD);
        Path file = Files.writeString(dir.resolve("db-password"), OLD + "\n");
        manager = start(role, file);

        Writers writers = Writers.start(manager.dataSource(), role);
        writers.awaitSuccesses(200);
        long changedAt = System.nanoTime();
        admin("ALTER ROLE " + role + " PASSWORD '" + NEW + "'");
        terminateSessionsOf(role);
        Await.until("the manager is FAILED", Duration.ofSeconds(5),
                () -> manager.getConnectionStatus().phase() == ConnectionPhase.FAILED);
        long failedAt = System.nanoTime();
        Thread.sleep(Math.max(0, 3_000 - TimeUnit.NANOSECONDS.toMillis(failedAt - changedAt)));
        long wrongUntil = System.nanoTime();
        long refusedLogins = failedLogins(role, changedAt);
        writeAtomically(file, NEW + "\n");
        long fileChangedAt = System.nanoTime();
        writers.awaitSuccessAfter(fileChangedAt, Duration.ofSeconds(10));
        Thread.sleep(1_000);
        writers.stop();

        Figures f = writers.figures(fileChangedAt);
        Figures whileWrong = writers.figuresBetween(failedAt, wrongUntil);
        double wrongSeconds = (wrongUntil - changedAt) / 1e9;
        record("ROTATION server_first writers=" + WRITERS + " acknowledged=" + f.acknowledged + " failed_calls=" + f.failed
                + " longest_failed_call_ms=" + f.longestFailedMillis + " failed_calls_while_wrong=" + whileWrong.failed
                + " longest_failed_call_while_wrong_ms=" + whileWrong.longestFailedMillis
                + " first_write_after_file_change_ms=" + f.firstSuccessAfterMillis + " failed_logins=" + refusedLogins
                + " failed_logins_per_s=" + String.format(java.util.Locale.ROOT, "%.2f", refusedLogins / wrongSeconds)
                + " wrong_for_ms=" + Math.round(wrongSeconds * 1000) + " failure_codes=" + f.codes);
        assertNothingLost(writers, role);
        assertThat(events).filteredOn(e -> e.type() == ConnectionEvent.Type.FAILED)
                .as("one FAILED event, with the refusal").hasSize(1)
                .allSatisfy(e -> assertThat(e.error().code()).isEqualTo(ErrorCode.AUTH_FAILED));
        assertThat(whileWrong.failed).as("calls while only the server had the new password").isPositive();
        assertThat(whileWrong.codes).as("they fail with the refusal").containsOnly(ErrorCode.AUTH_FAILED);
        assertThat(whileWrong.longestFailedMillis).as("and fail fast, not after the %s ms connection timeout",
                CONNECTION_TIMEOUT.toMillis()).isLessThan(CONNECTION_TIMEOUT.toMillis() / 2);
        assertThat(f.firstSuccessAfterMillis).as("recovered by itself once the file changed: no reconnect(), and"
                + " sooner than the next gentle retry (4 s or more after the refusal)").isBetween(0L, 1_500L);
        assertThat(refusedLogins).as("failed logins the server saw in %.1f s", wrongSeconds).isBetween(1L, 8L);
        assertThat(manager.getConnectionStatus().phase()).isEqualTo(ConnectionPhase.CONNECTED);
    }

    @Test
    void aLoginRefusedWhileConnectedMakesTheManagerFailedAndCallsFailFast() throws Exception {
        String role = createRole("refused_while_connected", URL_PW);
        manager = ConnectionManager.create(TestConfigs.forUrl("postgresql://" + role + ":" + URL_PW + "@" + server.host() + ":"
                        + server.port() + "/postgres").poolSize(WRITERS).connectionTimeout(CONNECTION_TIMEOUT)
                .reconnectInterval(Duration.ofSeconds(60)).build());
        manager.addListener(events::add);
        assertThat(manager.initializeConnection().success()).isTrue();

        admin("ALTER ROLE " + role + " PASSWORD '" + CHANGED + "'");
        terminateSessionsOf(role);
        Await.until("a FAILED event", Duration.ofSeconds(5),
                () -> events.stream().anyMatch(e -> e.type() == ConnectionEvent.Type.FAILED));

        assertThat(manager.getConnectionStatus().phase()).isEqualTo(ConnectionPhase.FAILED);
        assertThat(manager.getConnectionStatus().lastErrorCode()).isEqualTo(ErrorCode.AUTH_FAILED);
        long start = System.nanoTime();
        try (Connection c = manager.dataSource().getConnection()) {
            throw new AssertionError("a connection although the password is wrong: " + c);
        } catch (SQLException e) {
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            DatabaseError error = manager.categorize(e);
            assertThat(error.code()).isEqualTo(ErrorCode.AUTH_FAILED);
            assertThat(error.isTemporary()).isFalse();
            assertThat(e.getMessage()).doesNotContain(URL_PW).doesNotContain(CHANGED);
            assertThat(tookMillis).as("fails fast, not after the connection timeout").isLessThan(CONNECTION_TIMEOUT.toMillis() / 2);
        }
        admin("ALTER ROLE " + role + " PASSWORD '" + URL_PW + "'");
        Await.until("connected again after the password was changed back", Duration.ofSeconds(15), () -> {
            try (Connection c = manager.dataSource().getConnection()) {
                return c.isValid(1);
            } catch (SQLException e) {
                return false;
            }
        });
    }

    @Test
    void aProviderThatFailsIsAnAuthFailureAndIsAskedAgainAtAGentlePaceUntilItGivesAPassword() throws Exception {
        String role = createRole("provider_fails", NEW);
        AtomicBoolean serviceUp = new AtomicBoolean(false);
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        manager = ConnectionManager.create(TestConfigs.forUrl("postgresql://" + role + "@" + server.host() + ":"
                        + server.port() + "/postgres").credentialsProvider(() -> {
                            asked.incrementAndGet();
                            if (!serviceUp.get()) {
                                throw new IllegalStateException("token service unreachable (token=" + NEW + ")");
                            }
                            return DatabaseCredentials.password(NEW);
                        }).connectionTimeout(CONNECTION_TIMEOUT).reconnectInterval(Duration.ofSeconds(60)).build());
        manager.addListener(events::add);

        var result = manager.initializeConnection();
        assertThat(result.success()).isFalse();
        assertThat(result.error().code()).isEqualTo(ErrorCode.AUTH_FAILED);
        assertThat(result.attempts()).as("permanent: not retried").isEqualTo(1);
        assertThat(result.error().getMessage()).contains("The credentials provider failed: java.lang.IllegalStateException")
                .doesNotContain(NEW).doesNotContain("unreachable");
        // Calls for 2.5 s: they fail fast, and the provider is asked only on the retry schedule (about 1 s after the
        // refusal, then 2 s later), not once per call.
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2_500);
        int calls = 0;
        while (System.nanoTime() - until < 0) {
            calls++;
            try (Connection c = manager.dataSource().getConnection()) {
                throw new AssertionError("a connection without credentials: " + c);
            } catch (SQLException e) {
                assertThat(manager.categorize(e).code()).isEqualTo(ErrorCode.AUTH_FAILED);
            }
            Thread.sleep(5);
        }
        int askedWhileDown = asked.get();
        serviceUp.set(true);
        Await.until("connected once the provider gives a password", Duration.ofSeconds(10), () -> {
            try (Connection c = manager.dataSource().getConnection()) {
                return c.isValid(1);
            } catch (SQLException e) {
                return false;
            }
        });
        int askedWhenConnected = asked.get();
        for (int i = 0; i < 50; i++) {
            Jdbc.selectOne(manager.dataSource());
        }
        LOG.info("ROTATION provider_down calls={} provider_asked={}", calls, askedWhileDown);
        assertThat(asked.get() - askedWhenConnected).as("asked per new connection (pool of 4), not per borrow: 50 borrows")
                .isLessThanOrEqualTo(4);
        assertThat(askedWhileDown).as("provider asked during %d calls in 2.5 s", calls).isBetween(2, 4);
        assertThat(manager.getConnectionStatus().phase()).isEqualTo(ConnectionPhase.CONNECTED);
    }

    /** Logs a figures line and appends it to {@code target/rotation-figures.txt}, which CI prints. */
    private static void record(String line) throws IOException {
        LOG.info(line);
        Files.writeString(Path.of("target", "rotation-figures.txt"), line + System.lineSeparator(),
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    private ConnectionManager start(String role, Path file) {
        DatabaseConfig config = TestConfigs.forUrl("postgresql://" + role + "@" + server.host() + ":" + server.port()
                        + "/postgres").passwordFile(file).poolSize(WRITERS).connectionTimeout(CONNECTION_TIMEOUT)
                // A minute: recovery within the test must come from the file's change, not the reconnect loop.
                .reconnectInterval(Duration.ofSeconds(60)).build();
        ConnectionManager m = ConnectionManager.create(config);
        m.addListener(events::add);
        assertThat(m.initializeConnection().success()).isTrue();
        return m;
    }

    private static String createRole(String role, String password) throws SQLException {
        admin("DROP TABLE IF EXISTS " + role + "_writes");
        admin("DROP ROLE IF EXISTS " + role);
        admin("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
        admin("CREATE TABLE " + role + "_writes (writer int, seq int, PRIMARY KEY (writer, seq))");
        admin("GRANT INSERT, SELECT ON " + role + "_writes TO " + role);
        return role;
    }

    private static void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.admin("postgres").jdbcUrl(), "postgres", "");
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static int terminateSessionsOf(String role) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.admin("postgres").jdbcUrl(), "postgres", "");
             Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                     + " WHERE usename = '" + role + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Replaces the file the way a secret volume does: a new file moved over the old one. */
    private static void writeAtomically(Path file, String content) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, content, StandardCharsets.UTF_8);
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Failed logins of {@code role} the server logged since {@code sinceNanos} ({@link System#nanoTime()}). */
    private static long failedLogins(String role, long sinceNanos) {
        long sinceWall = System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
        try {
            long count = 0;
            for (String line : Files.readAllLines(serverLog, StandardCharsets.UTF_8)) {
                Matcher m = FAILED_LOGIN.matcher(line);
                if (m.matches() && m.group(3).equals(role)
                        && Long.parseLong(m.group(1)) * 1000 + Long.parseLong(m.group(2)) >= sinceWall - 5) {
                    count++;
                }
            }
            return count;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void assertNothingLost(Writers writers, String role) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.admin("postgres").jdbcUrl(), "postgres", "");
             Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT writer, seq FROM " + role + "_writes")) {
            Set<Long> stored = ConcurrentHashMap.newKeySet();
            while (rs.next()) {
                stored.add(Writers.key(rs.getInt(1), rs.getInt(2)));
            }
            assertThat(stored).as("every acknowledged write is in the table").containsAll(writers.acknowledged);
        }
    }

    /** What the writers saw: calls that ended in {@code [from, to)}. */
    private record Figures(int acknowledged, int failed, long longestFailedMillis, long firstSuccessAfterMillis,
                           Set<ErrorCode> codes) {
    }

    private record Call(long startedAt, long endedAt, ErrorCode failure) {
    }

    /** Eight threads inserting rows, one call each at a time, recording every call. */
    private static final class Writers {
        private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        private final List<Call> calls = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ExecutorService threads = Executors.newFixedThreadPool(WRITERS);
        private final List<Future<?>> futures = new ArrayList<>();

        static long key(int writer, int seq) {
            return ((long) writer << 32) | seq;
        }

        static Writers start(DataSource ds, String role) {
            Writers w = new Writers();
            for (int i = 0; i < WRITERS; i++) {
                int writer = i;
                w.futures.add(w.threads.submit(() -> w.write(ds, role, writer)));
            }
            return w;
        }

        private void write(DataSource ds, String role, int writer) {
            int seq = 0;
            while (running.get()) {
                seq++;
                long start = System.nanoTime();
                try (Connection c = ds.getConnection();
                     PreparedStatement ps = c.prepareStatement("INSERT INTO " + role + "_writes VALUES (?, ?)")) {
                    ps.setInt(1, writer);
                    ps.setInt(2, seq);
                    ps.executeUpdate();
                    acknowledged.add(key(writer, seq));
                    calls.add(new Call(start, System.nanoTime(), null));
                    pause(5);
                } catch (SQLException | RuntimeException e) {
                    calls.add(new Call(start, System.nanoTime(), dev.pgkeeper.ErrorCategorizer.categorize(e).code()));
                    pause(20);
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

        void awaitSuccesses(int n) {
            Await.until(n + " acknowledged writes", Duration.ofSeconds(30), () -> acknowledged.size() >= n);
        }

        void awaitSuccessAfter(long since, Duration timeout) {
            Await.until("a write after the change", timeout, () -> successesAfter(since) > 0);
        }

        /** The first call that started at or after {@code since}. */
        Call firstCallAfter(long since) {
            return calls.stream().filter(c -> c.startedAt - since >= 0)
                    .min(java.util.Comparator.comparingLong(c -> c.startedAt - since)).orElseThrow();
        }

        long successesAfter(long since) {
            return calls.stream().filter(c -> c.failure == null && c.startedAt - since >= 0).count();
        }

        /** Milliseconds from {@code since} to the end of the first write that started after it and succeeded; -1 if none. */
        long firstSuccessAfter(long until, long since) {
            return calls.stream().filter(c -> c.failure == null && c.startedAt - since >= 0 && c.endedAt - until <= 0)
                    .mapToLong(c -> TimeUnit.NANOSECONDS.toMillis(c.endedAt - since)).min().orElse(-1);
        }

        Figures figures(long since) {
            Figures all = figuresBetween(Long.MIN_VALUE, Long.MAX_VALUE);
            return new Figures(acknowledged.size(), all.failed, all.longestFailedMillis,
                    firstSuccessAfter(System.nanoTime(), since), all.codes);
        }

        /** Failed calls that started in {@code [from, to)}. */
        Figures figuresBetween(long from, long to) {
            List<Call> failed = calls.stream().filter(c -> c.failure != null
                    && (from == Long.MIN_VALUE || c.startedAt - from >= 0) && (to == Long.MAX_VALUE || c.startedAt - to < 0))
                    .toList();
            long longest = failed.stream().mapToLong(c -> TimeUnit.NANOSECONDS.toMillis(c.endedAt - c.startedAt)).max().orElse(0);
            Set<ErrorCode> codes = ConcurrentHashMap.newKeySet();
            failed.forEach(c -> codes.add(c.failure));
            return new Figures(acknowledged.size(), failed.size(), longest, -1, codes);
        }

        void stop() throws Exception {
            running.set(false);
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
            threads.shutdown();
        }
    }
}
