package dev.pgkeeper;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.spi.Scheduler;
import dev.pgkeeper.internal.Backoff;
import dev.pgkeeper.internal.ConnectionFailureObserver;
import dev.pgkeeper.internal.ConnectionState;
import dev.pgkeeper.internal.errors.ConnectionTarget;
import dev.pgkeeper.internal.config.DriverSettings;
import dev.pgkeeper.internal.errors.ErrorClassifier;
import dev.pgkeeper.internal.EventDispatcher;
import dev.pgkeeper.internal.HealthChecker;
import dev.pgkeeper.internal.ManagedDataSource;
import dev.pgkeeper.internal.ManagedPool;
import dev.pgkeeper.internal.ManagerThreads;
import dev.pgkeeper.internal.PoolRetirement;
import dev.pgkeeper.internal.ProbeResult;
import dev.pgkeeper.internal.WarmConnection;
import dev.pgkeeper.internal.Prober;
import dev.pgkeeper.internal.ReconnectLoop;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The single way an application reaches one PostgreSQL database: a HikariCP pool that is connected with
 * retries, watched, replaced after an outage, and closed within a bound.
 *
 * <h2>Life cycle</h2>
 * <ol>
 *   <li>{@link #initializeConnection()} proves connectivity with a real round trip on a new connection made
 *       with the pool's own settings. Temporary failures are retried {@code DB_MAX_RETRIES} times, the delay
 *       before retry <i>i</i> being {@code DB_RETRY_BASE_DELAY * 2^(i-1)}; permanent ones (wrong password,
 *       missing database, SSL) are not. It never throws because the server is down: the result says what
 *       happened.</li>
 *   <li>Once connected, {@link #dataSource()} lends pooled connections. A connection-level failure on any
 *       pooled connection (SQLState class 08, 57P01–57P03), a failed attempt of the pool to open one, or the
 *       liveness probe every {@code DB_RECONNECT_INTERVAL} makes the manager probe the server directly. If
 *       it is unreachable the manager enters {@link ConnectionPhase#RECONNECTING}; if it restarted (a new
 *       {@code pg_postmaster_start_time()}, checked when the URL names one host), the pool is replaced at
 *       once.</li>
 *   <li>While reconnecting, calls fail fast with a temporary {@link DatabaseError} instead of waiting for the
 *       connection timeout. At most one call per {@code DB_PROBE_INTERVAL} probes the server on its own
 *       thread (bounded by {@code DB_PROBE_TIMEOUT}), and the reconnect loop tries every
 *       {@code DB_RECONNECT_INTERVAL} even without traffic. The first successful probe installs a fresh
 *       pool, so work resumes without waiting for HikariCP's connection-adder backoff. After a permanent
 *       failure (the password was changed) the manager is {@link ConnectionPhase#FAILED}: calls fail fast and
 *       do not probe, and only the reconnect loop tries again, every {@code DB_RECONNECT_INTERVAL}.</li>
 *   <li>{@link #disconnect()} returns within {@code DB_DISCONNECT_TIMEOUT}. It is not final:
 *       {@link #initializeConnection()} may be called again afterwards, and so may {@link #close()}, which is
 *       the same call (beware {@code try}-with-resources on the shared {@link #getInstance()}).</li>
 * </ol>
 * Calls that were already waiting for a pooled connection when an outage is detected keep waiting, at most
 * the connection timeout, as HikariCP's fair queue has it.
 *
 * <p>The password never reaches a log line, an exception message, a status or a health record, and it is
 * never put into the JDBC URL (pgjdbc logs that URL).
 *
 * <p>This class is thread-safe. {@link #getInstance()} returns a process-wide instance configured from the
 * environment; {@link #create(DatabaseConfig)} makes independent ones (tests, several databases).
 */
public final class ConnectionManager implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(ConnectionManager.class);
    /**
     * How long a pool replaced because of an outage or a restart may keep lent connections before they are
     * aborted; its connections point at a server that went away, so they are dead or about to be.
     */
    private static final Duration LOST_POOL_GRACE = Duration.ofSeconds(30);
    /** Upper bound of the pool check that confirms a failed liveness probe. */
    private static final long POOL_CHECK_MILLIS = 500;

    /** Where {@link #getInstance()} takes its configuration; replaced only by tests. */
    static volatile Supplier<DatabaseConfig> instanceConfig = DatabaseConfig::fromEnvironment;
    private static volatile ConnectionManager instance;

    private final DatabaseConfig config;
    private final DriverSettings driver;
    private final ConnectionTarget target;
    private final Prober prober;
    private final ManagedDataSource dataSource;
    private final HealthChecker healthChecker;
    private final Scheduler retrySchedulerOverride;
    private final Clock clock;

    private final AtomicReference<ConnectionState> state = new AtomicReference<>(ConnectionState.initial());
    /**
     * Held while a pool is installed, which never blocks on the network: probes run outside it, so a slow
     * probe never stops another thread from connecting the moment the server answers.
     */
    private final ReentrantLock connectLock = new ReentrantLock();
    private final AtomicLong poolGenerations = new AtomicLong();
    private final AtomicLong lastCallerProbe = new AtomicLong(System.nanoTime() - TimeUnit.DAYS.toNanos(1));
    private final AtomicBoolean lossCheckQueued = new AtomicBoolean();
    private final EventDispatcher events = new EventDispatcher();
    private final PoolRetirement retirement = new PoolRetirement(this::closeInBackground);
    private final ReconnectLoop loop = new ReconnectLoop();

    /**
     * Guards the fields below. Lock order: {@link #connectLock} before this. Nothing that can block, cancel
     * or complete a future, or call a listener runs while it is held.
     */
    private final Object lifecycle = new Object();
    private volatile ManagerThreads threads;
    private CompletableFuture<ConnectionResult> initialization;
    private Future<?> initializationRetries;

    ConnectionManager(DatabaseConfig config, Scheduler retrySchedulerOverride, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.driver = DriverSettings.of(config);
        this.target = driver.target();
        this.prober = new Prober(driver);
        this.retrySchedulerOverride = retrySchedulerOverride;
        this.clock = clock;
        this.dataSource = new ManagedDataSource(this::borrow, config.url(), config.connectionTimeout().toMillis());
        this.healthChecker = new HealthChecker(this::borrow, config.probeTimeout(), this::poolStats, target, clock);
    }

    /**
     * Creates an independent manager. Nothing is connected until {@link #initializeConnection()}.
     *
     * @throws NullPointerException if {@code config} is {@code null}
     */
    public static ConnectionManager create(DatabaseConfig config) {
        return new ConnectionManager(config, null, Clock.systemUTC());
    }

    /**
     * The process-wide manager, created on first call from the environment
     * ({@link DatabaseConfig#fromEnvironment()}). Every call from any thread returns the same instance.
     * Nothing is connected until {@link #initializeConnection()}.
     *
     * @throws DatabaseError with {@link ErrorCode#CONFIGURATION_ERROR} when the environment is invalid; a
     *                       later call tries again
     */
    public static ConnectionManager getInstance() {
        ConnectionManager m = instance;
        if (m == null) {
            synchronized (ConnectionManager.class) {
                m = instance;
                if (m == null) {
                    m = create(instanceConfig.get());
                    instance = m;
                }
            }
        }
        return m;
    }

    /** The process-wide manager if {@link #getInstance()} has created it, else {@code null}. */
    static ConnectionManager existingInstance() {
        return instance;
    }

    /** Disconnects and forgets the process-wide manager; for tests. */
    static void resetInstance() {
        synchronized (ConnectionManager.class) {
            if (instance != null) {
                instance.disconnect();
            }
            instance = null;
        }
    }

    /** The configuration this manager was created with. */
    public DatabaseConfig config() {
        return config;
    }

    // ---------------------------------------------------------------------------------------------
    // Connecting

    /**
     * Connects, retrying temporary failures with exponential backoff. Connectivity is proven by a real
     * round trip on a new connection made with the pool's settings; the pool then fills in the background.
     *
     * <p>When already connected this returns a success at once without any I/O. Concurrent callers share
     * one attempt. When the retries are used up on a temporary failure, the reconnect loop takes over and
     * the manager connects on its own once the server is back; on a permanent failure nothing more is tried
     * until this method or {@link #reconnect()} is called again.
     *
     * @return the outcome; never {@code null}
     */
    public ConnectionResult initializeConnection() {
        if (state.get().phase() == ConnectionPhase.CONNECTED) {
            return ConnectionResult.connected(0, Duration.ZERO);
        }
        CompletableFuture<ConnectionResult> result = startInitialization();
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ConnectionResult.failed(0, Duration.ZERO, new DatabaseError(ErrorCode.UNKNOWN_ERROR,
                    "Interrupted while waiting to connect to " + target.hosts()
                            + "; the attempt goes on in the background"));
        } catch (ExecutionException e) {
            return ConnectionResult.failed(0, Duration.ZERO, categorize(e.getCause()));
        }
    }

    /**
     * Builds a fresh pool behind the same {@link #dataSource()} after probing the server. Connections lent
     * from the old pool keep working; it is closed when the last of them comes back (or at
     * {@link #disconnect()}). When the attempt fails, a working pool is kept. Takes at most the connection
     * timeout. Before
     * {@link #initializeConnection()}, or after {@link #disconnect()}, this behaves like
     * {@link #initializeConnection()}.
     *
     * @return the outcome; never {@code null}
     */
    public ConnectionResult reconnect() {
        ConnectionState s = state.get();
        if (isIdle(s)) {
            return initializeConnection();
        }
        long start = System.nanoTime();
        try (ProbeResult probe = probe(s.session(), config.connectionTimeout())) {
            connectLock.lock();
            try {
                installPool(s.session(), probe, null, false);
            } finally {
                connectLock.unlock();
            }
        } catch (DatabaseError e) {
            LOG.warn("Reconnect to {} failed: {} [{}]", target.hosts(), e.getMessage(), e.code());
            return ConnectionResult.failed(1, since(start), e);
        }
        stopInitializationRetries();
        return ConnectionResult.connected(1, since(start));
    }

    private CompletableFuture<ConnectionResult> startInitialization() {
        CompletableFuture<ConnectionResult> result = new CompletableFuture<>();
        CompletableFuture<ConnectionState> run;
        AtomicInteger attempts = new AtomicInteger();
        long start = System.nanoTime();
        long session;
        synchronized (lifecycle) {
            if (initialization != null && !initialization.isDone()) {
                return initialization;
            }
            ConnectionState current = state.get();
            if (current.phase() == ConnectionPhase.CONNECTED) {
                return CompletableFuture.completedFuture(ConnectionResult.connected(0, Duration.ZERO));
            }
            ManagerThreads t = threads;
            if (t == null) {
                t = new ManagerThreads(config.name());
                threads = t;
                retirement.open();
                loop.start(t.scheduler(), config.reconnectInterval(), this::tick);
            }
            session = isIdle(current) ? current.session() + 1 : current.session();
            state.updateAndGet(s -> s.phase() == ConnectionPhase.CONNECTED ? s : s.connecting(session));
            RetryPolicy<ConnectionState> retries = RetryPolicy.<ConnectionState>builder()
                    .handleIf(e -> e instanceof DatabaseError d && d.isTemporary())
                    .withMaxRetries(config.maxRetries())
                    .withDelayFn(ctx -> Backoff.delayBeforeRetry(config.retryBaseDelay(), ctx.getAttemptCount()))
                    .onRetryScheduled(e -> retryScheduled((DatabaseError) e.getLastException(), e.getDelay()))
                    .build();
            Scheduler scheduler = retrySchedulerOverride != null
                    ? retrySchedulerOverride : Scheduler.of(t.scheduler());
            LOG.info("Connecting to {} (up to {} retries)", config.url(), config.maxRetries());
            run = Failsafe.with(retries).with(scheduler).getAsync(() -> {
                attempts.incrementAndGet();
                return attemptInitialConnection(session);
            });
            initialization = result;
            initializationRetries = run;
        }
        // Registered outside the lock: the callback may run at once, on this thread.
        run.whenComplete((s, error) -> finishInitialization(result, session, attempts.get(), since(start), error));
        return result;
    }

    private ConnectionState attemptInitialConnection(long session) {
        ConnectionState s = state.get();
        if (s.session() != session || isIdle(s)) {
            throw disconnectedError();
        }
        if (s.phase() == ConnectionPhase.CONNECTED) {
            return s;
        }
        try (ProbeResult probe = probe(session, config.connectionTimeout())) {
            return installIfStillNeeded(session, probe, false);
        }
    }

    private void retryScheduled(DatabaseError error, Duration delay) {
        int attempt = state.get().retryCount();
        LOG.warn("Connection attempt {} to {} failed: {} [{}]; retrying in {} ms", attempt, target.hosts(),
                error.getMessage(), error.code(), delay.toMillis());
        publish(ConnectionEvent.Type.RETRYING, ConnectionPhase.CONNECTING, attempt, delay, error);
    }

    /**
     * Runs when the retry sequence ends, inside Failsafe's completion (which holds its future's monitor):
     * so it only updates the state with CAS, publishes events asynchronously and completes the result.
     */
    private void finishInitialization(CompletableFuture<ConnectionResult> result, long session, int attempts,
                                      Duration took, Throwable error) {
        ConnectionResult outcome;
        ConnectionState now = state.get();
        if (error == null || (now.session() == session && now.phase() == ConnectionPhase.CONNECTED)) {
            outcome = ConnectionResult.connected(attempts, took);
        } else {
            DatabaseError cause = error instanceof CancellationException ? cancelledError(now) : categorize(unwrap(error));
            ConnectionState before = state.getAndUpdate(s -> s.session() == session
                    && s.phase() == ConnectionPhase.CONNECTING ? s.down(cause) : s);
            if (before.session() == session && before.phase() == ConnectionPhase.CONNECTING) {
                if (cause.isTemporary()) {
                    LOG.warn("Could not connect to {} after {} attempts: {} [{}]; the reconnect loop tries every {} ms",
                            target.hosts(), attempts, cause.getMessage(), cause.code(),
                            config.reconnectInterval().toMillis());
                    publish(ConnectionEvent.Type.RETRYING, ConnectionPhase.RECONNECTING, before.retryCount(),
                            config.reconnectInterval(), cause);
                } else {
                    logPermanentFailure(cause);
                    publish(ConnectionEvent.Type.FAILED, ConnectionPhase.FAILED, 0, null, cause);
                }
            }
            outcome = ConnectionResult.failed(attempts, took, cause);
        }
        result.complete(outcome);
    }

    /** Why the retry schedule was cancelled, when it did not end in a connection. */
    private DatabaseError cancelledError(ConnectionState now) {
        return isIdle(now) ? disconnectedError() : new DatabaseError(ErrorCode.UNKNOWN_ERROR,
                "The retry schedule for " + target.hosts() + " was stopped early; the reconnect loop goes on");
    }

    /**
     * Probes the server without holding any lock; a failure is counted in the state. The result holds the
     * probe's connection for the pool that may follow: close it.
     */
    private ProbeResult probe(long session, Duration bound) {
        try {
            return prober.probe(bound);
        } catch (DatabaseError e) {
            state.updateAndGet(s -> s.session() == session && s.awaitsConnection() ? s.attemptFailed(e) : s);
            throw e;
        }
    }

    /**
     * Installs a pool for a server that just answered, unless another thread connected meanwhile.
     *
     * @return the state afterwards
     * @throws DatabaseError NOT_INITIALIZED when the manager was disconnected meanwhile
     */
    private ConnectionState installIfStillNeeded(long session, ProbeResult probe, boolean borrowFollows) {
        connectLock.lock();
        try {
            ConnectionState s = state.get();
            return s.session() == session && s.awaitsConnection() ? installPool(session, probe, null, borrowFollows) : s;
        } finally {
            connectLock.unlock();
        }
    }

    /**
     * Builds a pool for a server that just answered {@code probe} and installs it; never blocks on the
     * network. Caller holds {@link #connectLock}.
     *
     * @param graceForPrevious how long the replaced pool may keep lent connections, {@code null} for as long
     *                         as they are used
     * @param borrowFollows    whether a caller borrows right after, so the probe's connection is worth handing
     *                         over even to a pool that keeps no idle connections
     * @throws DatabaseError NOT_INITIALIZED when the manager was disconnected meanwhile
     */
    private ConnectionState installPool(long session, ProbeResult probe, Duration graceForPrevious,
                                        boolean borrowFollows) {
        long generation = poolGenerations.incrementAndGet();
        // The probe's connection becomes the new pool's first, so the first call after an outage does not wait
        // for another login. A pool that keeps no idle connection takes it only when a borrow is coming.
        WarmConnection first = config.poolMinIdle() > 0 || borrowFollows ? probe.connection() : WarmConnection.none();
        ManagedPool pool = ManagedPool.start(config, driver, generation, () -> suspectConnectionLoss(generation), first);
        ConnectionState previous;
        ConnectionState next;
        do {
            previous = state.get();
            if (previous.session() != session || isIdle(previous)) {
                closeInBackground(pool);
                throw disconnectedError();
            }
            next = previous.connected(pool, clock.instant(), probe.serverStartedAt());
        } while (!state.compareAndSet(previous, next));
        if (previous.pool() != null) {
            retirement.retire(previous.pool(), graceForPrevious, scheduler());
        }
        LOG.info("Connected to {} through pool {} (server started {})", config.url(), pool.name(),
                probe.serverStartedAt());
        publish(ConnectionEvent.Type.CONNECTED, ConnectionPhase.CONNECTED, 0, null, null);
        return next;
    }

    /**
     * Another path connected while initializeConnection() waits between retries: end its schedule early;
     * finishInitialization then reports the success to the waiting callers. Only while still connected, so a
     * late call cannot cancel the schedule of a later initialization.
     */
    private void stopInitializationRetries() {
        Future<?> retries;
        synchronized (lifecycle) {
            retries = initializationRetries;
        }
        if (retries != null && !retries.isDone() && state.get().phase() == ConnectionPhase.CONNECTED) {
            retries.cancel(false);
        }
    }

    /**
     * A failed attempt while down: RECONNECTING after a temporary error, FAILED after a permanent one (no more
     * probes from calls, so a wrong password is not tried at the rate calls arrive).
     */
    private void attemptFailedWhileDown(long session, DatabaseError error) {
        ConnectionState before = state.getAndUpdate(s -> s.session() == session
                && (s.phase() == ConnectionPhase.RECONNECTING || s.phase() == ConnectionPhase.FAILED) ? s.down(error) : s);
        if (before.session() != session
                || (before.phase() != ConnectionPhase.RECONNECTING && before.phase() != ConnectionPhase.FAILED)) {
            return;
        }
        if (!error.isTemporary() && before.phase() == ConnectionPhase.RECONNECTING) {
            logPermanentFailure(error);
            publish(ConnectionEvent.Type.FAILED, ConnectionPhase.FAILED, 0, null, error);
        }
    }

    private void logPermanentFailure(DatabaseError error) {
        LOG.error("Could not connect to {}: {} [{}], not retried. Steps: {}", target.hosts(), error.getMessage(),
                error.code(), String.join(" | ", error.troubleshootingSteps()));
    }

    // ---------------------------------------------------------------------------------------------
    // Watching: the reconnect loop while unreachable, liveness probes while connected

    /** Runs the liveness check of the reconnect loop now, on the calling thread; for tests. */
    void verifyConnectionNow() {
        verifyConnection(state.get().generation(), false);
    }

    private void tick() {
        ConnectionState s = state.get();
        if (s.phase() == ConnectionPhase.RECONNECTING || s.phase() == ConnectionPhase.FAILED) {
            reconnectTick(s.session());
        } else if (s.phase() == ConnectionPhase.CONNECTED) {
            verifyConnection(s.generation(), false);
        }
    }

    private void reconnectTick(long session) {
        try (ProbeResult probe = probe(session, config.connectionTimeout())) {
            installIfStillNeeded(session, probe, false);
        } catch (DatabaseError e) {
            attemptFailedWhileDown(session, e);
            ConnectionState s = state.get();
            LOG.warn("Reconnect attempt {} to {} failed: {} [{}]; next in {} ms", s.retryCount(), target.hosts(),
                    e.getMessage(), e.code(), config.reconnectInterval().toMillis());
            publish(ConnectionEvent.Type.RETRYING, s.phase(), s.retryCount(), config.reconnectInterval(), e);
        }
    }

    /**
     * A pooled connection failed in a way that suggests the server is gone, or the pool could not open one.
     * Called on application and HikariCP threads, possibly many at once: it only queues one check.
     */
    private void suspectConnectionLoss(long generation) {
        ConnectionState s = state.get();
        ManagerThreads t = threads;
        if (t == null || s.phase() != ConnectionPhase.CONNECTED || s.generation() != generation
                || !lossCheckQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            t.scheduler().execute(() -> {
                lossCheckQueued.set(false);
                try {
                    verifyConnection(generation, true);
                } catch (RuntimeException e) {
                    LOG.error("Unexpected failure while checking the connection to {}", target.hosts(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            lossCheckQueued.set(false);
        }
    }

    /**
     * Probes the server behind pool {@code generation}, outside any lock. Unreachable means the connection is
     * lost; but when only the periodic probe failed and no pooled connection did, the pool gets the last
     * word, so one slow login does not turn a working (or merely busy) pool into an outage. A new start time
     * means the server restarted, and the pool is replaced before its stale connections fail one by one.
     *
     * @param failureSeen whether a pooled connection or the pool itself reported a connection failure
     */
    private void verifyConnection(long generation, boolean failureSeen) {
        ConnectionState s = state.get();
        if (s.phase() != ConnectionPhase.CONNECTED || s.generation() != generation) {
            return;
        }
        ProbeResult probe;
        try {
            probe = prober.probe(config.probeTimeout());
        } catch (DatabaseError e) {
            if (!isUnreachable(e)) {
                LOG.warn("Liveness probe of {} failed, pool kept: {} [{}]", target.hosts(), e.getMessage(), e.code());
            } else if (!failureSeen && poolMayStillServe(s.pool())) {
                LOG.warn("Liveness probe of {} failed but the pool may still serve; kept: {} [{}]",
                        target.hosts(), e.getMessage(), e.code());
            } else {
                connectionLost(s, e);
            }
            return;
        }
        try (probe) {
            if (driver.singleHost() && !probe.serverStartedAt().equals(s.serverStartedAt())) {
                connectLock.lock();
                try {
                    if (state.get() == s) {
                        LOG.warn("PostgreSQL at {} restarted (start time {} was {}); replacing pool {}", target.hosts(),
                                probe.serverStartedAt(), s.serverStartedAt(), s.pool().name());
                        installPool(s.session(), probe, LOST_POOL_GRACE, false);
                    }
                } catch (DatabaseError e) {
                    LOG.debug("Replacing the pool of {} was abandoned: {}", target.hosts(), e.getMessage());
                } finally {
                    connectLock.unlock();
                }
            }
        }
    }

    /**
     * Whether the pool gives evidence against an outage: a pooled connection that validates, or all its
     * connections busy (inconclusive, so the pool is kept). Only a dead connection, or none to be had from
     * an idle pool, confirms the failed probe.
     */
    private boolean poolMayStillServe(ManagedPool pool) {
        try (Connection c = pool.borrow(Math.min(POOL_CHECK_MILLIS, config.probeTimeout().toMillis()))) {
            return c.isValid((int) Math.max(1, (config.probeTimeout().toMillis() + 999) / 1000));
        } catch (SQLException e) {
            return pool.stats().active() > 0;
        }
    }

    private void connectionLost(ConnectionState connected, DatabaseError error) {
        if (connected.phase() != ConnectionPhase.CONNECTED || connected.pool() == null
                || !state.compareAndSet(connected, connected.reconnecting(error).attemptFailed(error))) {
            return;
        }
        retirement.retire(connected.pool(), LOST_POOL_GRACE, scheduler());
        LOG.warn("Lost the connection to {}: {} [{}]; calls fail fast until a probe gets through, "
                        + "and the reconnect loop tries every {} ms", target.hosts(), error.getMessage(), error.code(),
                config.reconnectInterval().toMillis());
        publish(ConnectionEvent.Type.CONNECTION_LOST, ConnectionPhase.RECONNECTING, 0, null, error);
    }

    private static boolean isUnreachable(DatabaseError e) {
        return e.code() == ErrorCode.NETWORK_ERROR || e.code() == ErrorCode.DNS_ERROR;
    }

    // ---------------------------------------------------------------------------------------------
    // Lending connections

    /**
     * The DataSource to give to MyBatis, Flyway or JDBC code. The same object for the manager's whole
     * life: it survives {@link #reconnect()}, outages and even {@link #disconnect()} followed by
     * {@link #initializeConnection()}.
     *
     * <p>Its {@code getConnection()} lends from the current pool, waiting at most the connection timeout.
     * While the manager is {@link ConnectionPhase#RECONNECTING} it fails fast with a
     * {@link SQLTransientConnectionException} whose cause is a temporary {@link DatabaseError}; after
     * {@link #disconnect()} or a permanent failure it throws a {@link SQLNonTransientConnectionException}
     * whose cause says why.
     *
     * @throws DatabaseError with {@link ErrorCode#NOT_INITIALIZED} before the first
     *                       {@link #initializeConnection()}
     */
    public DataSource dataSource() {
        if (state.get().phase() == ConnectionPhase.NOT_INITIALIZED) {
            throw notInitializedError();
        }
        return dataSource;
    }

    private Connection borrow(long timeoutMillis) throws SQLException {
        boolean retried = false;
        while (true) {
            ConnectionState s = state.get();
            if (s.phase() == ConnectionPhase.CONNECTED) {
                try {
                    return s.pool().borrow(timeoutMillis);
                } catch (SQLException e) {
                    if (!retried && state.get().pool() != s.pool()) {
                        retried = true;
                        continue; // the pool was replaced while we waited: borrow from the new one
                    }
                    if (ConnectionFailureObserver.isConnectionFailure(e.getSQLState())) {
                        suspectConnectionLoss(s.generation());
                    }
                    throw e;
                }
            }
            if (s.invitesProbes() && !retried && probeOnCallerThread()) {
                retried = true;
                continue;
            }
            throw s.awaitsConnection() ? unavailable(s) : unusable(s);
        }
    }

    /**
     * While the server is unreachable, lets one caller per probe interval try to connect on its own thread,
     * bounded by the probe timeout. Others fail fast rather than wait for that probe.
     *
     * @return {@code true} when the manager is connected afterwards
     */
    private boolean probeOnCallerThread() {
        long now = System.nanoTime();
        long last = lastCallerProbe.get();
        if (now - last < config.probeInterval().toNanos() || !lastCallerProbe.compareAndSet(last, now)) {
            return false;
        }
        ConnectionState s = state.get();
        if (!s.invitesProbes()) {
            return s.phase() == ConnectionPhase.CONNECTED;
        }
        try (ProbeResult probe = probe(s.session(), config.probeTimeout())) {
            installIfStillNeeded(s.session(), probe, true);
        } catch (DatabaseError e) {
            LOG.debug("Probe of {} failed: {}", target.hosts(), e.getMessage());
            if (!e.isTemporary()) {
                attemptFailedWhileDown(s.session(), e);
            }
            return false;
        }
        stopInitializationRetries();
        return state.get().phase() == ConnectionPhase.CONNECTED;
    }

    private SQLException unavailable(ConnectionState s) {
        DatabaseError last = s.lastError();
        DatabaseError error = last == null
                ? new DatabaseError(ErrorCode.NETWORK_ERROR, "PostgreSQL at " + target.hosts()
                        + " is not connected yet: the first connection attempt is under way",
                        List.of("Wait for initializeConnection() to finish"), Map.of(), null)
                : new DatabaseError(last.code(), "PostgreSQL at " + target.hosts()
                        + " is unavailable, failing fast instead of waiting (" + last.getMessage() + ")",
                        last.troubleshootingSteps(), last.context(), last.getCause());
        String sqlState = error.sqlState() != null ? error.sqlState() : "08001";
        return error.isTemporary()
                ? new SQLTransientConnectionException(error.getMessage(), sqlState, error)
                : new SQLNonTransientConnectionException(error.getMessage(), sqlState, error);
    }

    private SQLException unusable(ConnectionState s) {
        DatabaseError error = s.phase() == ConnectionPhase.DISCONNECTED ? disconnectedError() : notInitializedError();
        return new SQLNonTransientConnectionException(error.getMessage(), "08003", error);
    }

    private DatabaseError notInitializedError() {
        return new DatabaseError(ErrorCode.NOT_INITIALIZED, "ConnectionManager '" + config.name()
                + "' is not initialized: call initializeConnection() before using the database",
                List.of("Call ConnectionManager.initializeConnection() once at application start, before building "
                        + "repositories or handing out dataSource()"), Map.of(), null);
    }

    private DatabaseError disconnectedError() {
        return new DatabaseError(ErrorCode.NOT_INITIALIZED, "ConnectionManager '" + config.name()
                + "' was disconnected: call initializeConnection() to connect again",
                List.of("Call initializeConnection() again, or stop using the database after disconnect()"),
                Map.of(), null);
    }

    // ---------------------------------------------------------------------------------------------
    // Disconnecting

    /**
     * Stops the reconnect loop and closes the pools, returning within {@code DB_DISCONNECT_TIMEOUT}.
     * Connections still lent out are aborted. When it returns in time, no pgkeeper thread is left. A pool
     * whose close is stuck on the network (HikariCP waits for a connection attempt into a silent host) is
     * left to finish on a daemon thread. Listeners get {@link ConnectionEvent.Type#DISCONNECTED} after every
     * earlier event, and this method waits for that (within its bound) unless a listener called it.
     * Idempotent. {@link #initializeConnection()} works again afterwards.
     */
    public void disconnect() {
        long deadline = System.nanoTime() + config.disconnectTimeout().toNanos();
        boolean locked = false;
        try {
            // Let an attempt that is installing a pool finish, so its pool is closed here, not after we return.
            locked = connectLock.tryLock(config.disconnectTimeout().toNanos() / 2, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ManagerThreads t;
        Future<?> retries;
        ConnectionState before;
        try {
            synchronized (lifecycle) {
                before = state.getAndUpdate(s -> isIdle(s) ? s : s.disconnected());
                if (isIdle(before)) {
                    return;
                }
                loop.stop();
                t = threads;
                threads = null;
                retries = initializationRetries;
                initializationRetries = null;
            }
        } finally {
            if (locked) {
                connectLock.unlock();
            }
        }
        if (retries != null) {
            retries.cancel(true);
        }
        List<ManagedPool> pools = new ArrayList<>(retirement.drain());
        if (before.pool() != null) {
            pools.add(before.pool());
        }
        boolean clean = closeAll(pools, t, deadline);
        // Queued behind every earlier event; shutdown() below lets the queue drain within the deadline.
        events.publish(new ConnectionEvent(ConnectionEvent.Type.DISCONNECTED, ConnectionPhase.DISCONNECTED,
                clock.instant(), 0, null, null), t == null ? null : t.events());
        try {
            clean &= t == null || t.shutdown(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            clean = false;
        }
        if (clean) {
            LOG.info("Disconnected from {}", target.hosts());
        } else {
            LOG.warn("Disconnected from {}, but closing the pool or delivering events did not finish within {} ms;"
                    + " it goes on in a daemon thread", target.hosts(), config.disconnectTimeout().toMillis());
        }
    }

    /** Same as {@link #disconnect()}. */
    @Override
    public void close() {
        disconnect();
    }

    private static boolean closeAll(List<ManagedPool> pools, ManagerThreads t, long deadline) {
        if (t == null) {
            pools.forEach(ConnectionManager::closeQuietly);
            return true;
        }
        List<CompletableFuture<Void>> closes = new ArrayList<>();
        for (ManagedPool pool : pools) {
            closes.add(CompletableFuture.runAsync(() -> closeQuietly(pool), t.closer()));
        }
        try {
            CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new))
                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    private void closeInBackground(ManagedPool pool) {
        ManagerThreads t = threads;
        try {
            if (t != null) {
                t.closer().execute(() -> closeQuietly(pool));
                return;
            }
        } catch (RejectedExecutionException e) {
            // shutting down: close on this thread
        }
        closeQuietly(pool);
    }

    /**
     * Shuts a pool down completely. HikariCP abandons its shutdown half-way (leaving its housekeeper thread
     * alive) when the closing thread is interrupted, so the interrupt status is set aside while closing and
     * restored afterwards, and an interrupted close is finished.
     */
    private static void closeQuietly(ManagedPool pool) {
        boolean interrupted = Thread.interrupted();
        try {
            pool.close();
        } catch (InterruptedException e) {
            interrupted = true;
            try {
                pool.close();
            } catch (InterruptedException again) {
                LOG.warn("Closing pool {} was interrupted twice; some of its threads may linger", pool.name());
            }
        } catch (RuntimeException e) {
            LOG.warn("Closing pool {} failed", pool.name(), e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Observing

    /** {@code true} when the manager is {@link ConnectionPhase#CONNECTED}. Cheap; no I/O. */
    public boolean isConnected() {
        return state.get().phase() == ConnectionPhase.CONNECTED;
    }

    /** A consistent snapshot of the connection's state and the pool's numbers. Cheap; no I/O. */
    public ConnectionStatus getConnectionStatus() {
        ConnectionState s = state.get();
        DatabaseError e = s.lastError();
        return new ConnectionStatus(s.phase() == ConnectionPhase.CONNECTED, s.phase(), s.lastConnectedAt(),
                e == null ? null : e.code(), e == null ? null : e.getMessage(), s.retryCount(),
                s.phase() == ConnectionPhase.RECONNECTING, poolStats(s), config.url());
    }

    private PoolStats poolStats() {
        return poolStats(state.get());
    }

    private PoolStats poolStats(ConnectionState s) {
        return s.pool() == null ? PoolStats.none(config.poolSize()) : s.pool().stats();
    }

    /**
     * Runs a query through the pool and reports round-trip latency, server version and role. Bounded by
     * {@code DB_PROBE_TIMEOUT}: it returns DOWN rather than hang, and concurrent checks share one query.
     * While the manager knows the server is unreachable it answers DOWN at once, except that it may serve
     * as the probe that finds the server back. Never throws.
     */
    public DatabaseHealthResult checkHealth() {
        ConnectionState s = state.get();
        ManagerThreads t = threads;
        if (t == null || isIdle(s)) {
            return healthChecker.down(clock.instant(), s.phase() == ConnectionPhase.DISCONNECTED
                    ? disconnectedError() : notInitializedError());
        }
        return healthChecker.check(t.health());
    }

    /** {@link #checkHealth()} plus JVM uptime and heap usage. Never throws. */
    public SystemHealthResult checkSystemHealth() {
        DatabaseHealthResult database = checkHealth();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return new SystemHealthResult(database.status(), database, ManagementFactory.getRuntimeMXBean().getUptime(),
                heap.getUsed(), heap.getCommitted(), heap.getMax(), clock.instant());
    }

    /**
     * Categorizes any exception in the context of this manager, so its troubleshooting steps name this
     * manager's host, port, database and user. Never throws.
     */
    public DatabaseError categorize(Throwable error) {
        return ErrorClassifier.classify(error, target);
    }

    /**
     * Registers a listener for {@link ConnectionEvent}s. Events are delivered in order on the manager's
     * event thread ({@code pgkeeper-<name>-events}), never while the manager holds a lock, so a listener may
     * call the manager; a listener that blocks delays the events after it.
     *
     * @throws NullPointerException if {@code listener} is {@code null}
     */
    public void addListener(ConnectionListener listener) {
        events.add(listener);
    }

    /** Removes a listener registered earlier; does nothing if it was not registered. */
    public void removeListener(ConnectionListener listener) {
        events.remove(listener);
    }

    private void publish(ConnectionEvent.Type type, ConnectionPhase phase, int attempt, Duration nextDelay,
                         DatabaseError error) {
        ManagerThreads t = threads;
        events.publish(new ConnectionEvent(type, phase, clock.instant(), attempt, nextDelay, error),
                t == null ? null : t.events());
    }

    @Override
    public String toString() {
        return "ConnectionManager[" + config.name() + ", " + state.get().phase() + ", " + config.url() + "]";
    }

    // ---------------------------------------------------------------------------------------------

    private ScheduledExecutorService scheduler() {
        ManagerThreads t = threads;
        return t == null ? null : t.scheduler();
    }

    private static boolean isIdle(ConnectionState s) {
        return s.phase() == ConnectionPhase.NOT_INITIALIZED || s.phase() == ConnectionPhase.DISCONNECTED;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CompletionException || current instanceof ExecutionException
                || current instanceof FailsafeException) && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
