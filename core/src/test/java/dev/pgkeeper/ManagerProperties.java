package dev.pgkeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.PasswordGuard;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The design's correctness properties that concern the manager (1, 2, 7, 8, 12), each with at least 100
 * generated tries; properties 2 and 7 run against a real PostgreSQL. 600 tries in all.
 */
class ManagerProperties {

    private static final String WRONG_PASSWORD_TEXT = "not-the-Pa55word-p2";

    private static TestDatabase db;
    /** A role that must give its password, for the authentication failures of property 2. */
    private static TestDatabase login;

    @BeforeContainer
    static void createDatabase() {
        db = TestPostgres.server().createDatabase("ManagerProperties");
        PasswordGuard.register(WRONG_PASSWORD_TEXT);
        login = TestPostgres.server().createLoginRole("pgk_props_retry", "right-Pa55word-p2", db.database());
    }

    @AfterContainer
    static void dropDatabase() {
        ConnectionManager.resetInstance();
        ConnectionManager.instanceConfig = DatabaseConfig::fromEnvironment;
        TestPostgres.server().dropDatabase(db.database());
    }

    @AfterTry
    void forgetTheSingleton() {
        ConnectionManager.resetInstance();
    }

    /** Property 1: getInstance() hands every thread the same instance, even on a racing first call. */
    @Property(tries = 100, generation = GenerationMode.RANDOMIZED)
    @Label("Seed property 1: getInstance() returns the same instance to any number of racing threads")
    void getInstanceReturnsOneInstanceToAnyNumberOfThreads(@ForAll @IntRange(min = 2, max = 16) int threads)
            throws Exception {
        ConnectionManager.instanceConfig = () -> DatabaseConfig.builder().url(db.url()).build();
        Set<ConnectionManager> seen = ConcurrentHashMap.newKeySet();
        List<ConnectionManager> results = race(threads, ConnectionManager::getInstance);

        seen.addAll(results);
        assertThat(results).hasSize(threads);
        assertThat(seen).hasSize(1);
    }

    /** Property 12: the facade returns exactly the manager getInstance() returns, from any thread. */
    @Property(tries = 100, generation = GenerationMode.RANDOMIZED)
    void theFacadeReturnsTheSingleton(@ForAll @IntRange(min = 2, max = 8) int threads) throws Exception {
        ConnectionManager.instanceConfig = () -> DatabaseConfig.builder().url(db.url()).build();
        List<ConnectionManager> viaFacade = race(threads, Database::getConnectionManager);

        assertThat(viaFacade).allSatisfy(m -> assertThat(m).isSameAs(ConnectionManager.getInstance()));
    }

    /**
     * Property 2: a temporary failure is retried N = DB_MAX_RETRIES times, the delay before retry i being
     * baseDelay * 2^(i-1) for i = 1..N; a permanent failure (wrong password, missing database) is tried once
     * and never retried. The delays are observed at the scheduler (nothing is slept).
     */
    @Property(tries = 100)
    @Label("Seed property 2: retry i waits baseDelay * 2^(i-1) for i = 1..N; permanent failures are not retried")
    void retryDelaysDoubleFromTheBaseDelayAndPermanentFailuresAreNotRetried(
            @ForAll @IntRange(min = 0, max = 8) int maxRetries,
            @ForAll @LongRange(min = 0, max = 14_000) long baseMillis,
            @ForAll Failure failure) {
        DatabaseConfig config = DatabaseConfig.builder()
                .url(failure.url())
                .maxRetries(maxRetries).retryBaseDelay(Duration.ofMillis(baseMillis))
                .connectionTimeout(Duration.ofMillis(2000)).build();
        try (RecordingScheduler scheduler = new RecordingScheduler();
             ConnectionManager manager = new ConnectionManager(config, scheduler, Clock.systemUTC())) {

            ConnectionResult result = manager.initializeConnection();

            assertThat(result.success()).isFalse();
            assertThat(result.error().code()).isEqualTo(failure.code);
            if (failure.code.isTemporary()) {
                assertThat(result.attempts()).isEqualTo(maxRetries + 1);
                List<Long> expected = LongStream.rangeClosed(1, maxRetries)
                        .map(i -> baseMillis * (1L << (i - 1))).boxed().toList();
                assertThat(retriesOnly(scheduler.delaysMillis())).isEqualTo(expected);
            } else {
                assertThat(result.attempts()).as("a permanent failure is tried once").isEqualTo(1);
                assertThat(retriesOnly(scheduler.delaysMillis())).as("no retry scheduled").isEmpty();
                assertThat(manager.getConnectionStatus().phase()).isEqualTo(ConnectionPhase.FAILED);
            }
        }
    }

    /** How the connection attempts of property 2 fail. */
    enum Failure {
        /** Nothing listens on the port: temporary. */
        REFUSED(ErrorCode.NETWORK_ERROR),
        /**
         * The role exists but the password is wrong: permanent. A server given by TEST_DATABASE_URL may trust
         * every local login (CI's does), so there the role does not exist instead, which fails the same way.
         */
        WRONG_PASSWORD(ErrorCode.AUTH_FAILED),
        /** The server is there but the database is not: permanent. */
        MISSING_DATABASE(ErrorCode.DATABASE_NOT_FOUND);

        final ErrorCode code;

        Failure(ErrorCode code) {
            this.code = code;
        }

        String url() {
            return switch (this) {
                case REFUSED -> "postgresql://postgres@127.0.0.1:" + PrivateServer.freePort() + "/postgres";
                case WRONG_PASSWORD -> TestPostgres.isExternal()
                        ? login.as("pgk_props_no_such_role", WRONG_PASSWORD_TEXT).url()
                        : login.as(login.user(), WRONG_PASSWORD_TEXT).url();
                case MISSING_DATABASE -> new TestDatabase(db.host(), db.port(), "no_such_database_p2", db.user(),
                        db.password()).url();
            };
        }
    }

    /** Property 7: after a successful connect the state says so, completely and consistently. */
    @Property(tries = 100)
    @Label("Seed property 7: after a successful connect: connected, lastConnectedAt = now, no last error, a usable client")
    void afterASuccessfulConnectTheStateIsConsistent(@ForAll @IntRange(min = 1, max = 8) int poolSize,
                                                     @ForAll @IntRange(min = 0, max = 3) int maxRetries,
                                                     @ForAll("names") String name) throws Exception {
        DatabaseConfig config = TestConfigs.forDatabase(db).poolSize(poolSize).maxRetries(maxRetries).name(name).build();
        try (ConnectionManager manager = ConnectionManager.create(config)) {
            Instant before = Instant.now();
            ConnectionResult result = manager.initializeConnection();
            Instant after = Instant.now();

            assertThat(result.success()).isTrue();
            assertThat(result.error()).isNull();
            ConnectionStatus status = manager.getConnectionStatus();
            assertThat(status.connected()).isTrue();
            assertThat(manager.isConnected()).isTrue();
            assertThat(status.lastConnectedAt()).isBetween(before, after);
            assertThat(status.lastErrorCode()).isNull();
            assertThat(status.lastErrorMessage()).isNull();
            assertThat(status.retryCount()).isZero();
            assertThat(status.pool().max()).isEqualTo(poolSize);
            assertThat(Jdbc.selectOne(manager.dataSource())).isEqualTo(1);
            TestConfigs.assertAllConnectionsReturned(manager);
        }
    }

    /** Property 8 (core part): before initialization, asking for the client fails with a clear error. */
    @Property(tries = 100)
    @Label("Seed property 8 (core): before initializeConnection() the client is refused with NOT_INITIALIZED")
    void beforeInitializationTheDataSourceIsRefused(@ForAll @IntRange(min = 1, max = 50) int poolSize,
                                                    @ForAll("names") String name) {
        ConnectionManager manager = ConnectionManager.create(
                DatabaseConfig.builder().url(db.url()).poolSize(poolSize).name(name).build());

        assertThatThrownBy(manager::dataSource).isInstanceOfSatisfying(DatabaseError.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.NOT_INITIALIZED);
            assertThat(e.getMessage()).contains(name, "initializeConnection()");
        });
        assertThat(manager.checkHealth().errorCode()).isEqualTo(ErrorCode.NOT_INITIALIZED);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-', '_').ofMinLength(1).ofMaxLength(40);
    }

    /** Failsafe also schedules the first attempt, with no delay; the retries follow it. */
    private static List<Long> retriesOnly(List<Long> scheduled) {
        assertThat(scheduled).isNotEmpty();
        assertThat(scheduled.get(0)).as("the first attempt is not delayed").isZero();
        return scheduled.subList(1, scheduled.size());
    }

    private static <T> List<T> race(int threads, java.util.concurrent.Callable<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return call.call();
                }));
            }
            ready.await();
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(10, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
