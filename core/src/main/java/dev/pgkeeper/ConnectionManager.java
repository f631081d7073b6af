package dev.pgkeeper;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import dev.failsafe.spi.Scheduler;
import dev.pgkeeper.internal.Backoff;
import dev.pgkeeper.internal.ConnectionFailureObserver;
import dev.pgkeeper.internal.ConnectionState;
import dev.pgkeeper.internal.ConnectionTarget;
import dev.pgkeeper.internal.DriverSettings;
import dev.pgkeeper.internal.ErrorClassifier;
import dev.pgkeeper.internal.HealthChecker;
import dev.pgkeeper.internal.ManagedDataSource;
import dev.pgkeeper.internal.ManagedPool;
import dev.pgkeeper.internal.ManagerThreads;
import dev.pgkeeper.internal.ProbeResult;
import dev.pgkeeper.internal.Prober;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The single way an application reaches one PostgreSQL database: a HikariCP pool that is connected with
 * retries, watched, replaced after an outage, and closed within a bound.
 *
 * <h2>Life cycle</h2>
 * <ol>
 *   <li>{@link #initializeConnection()} proves connectivity with a real round trip. Temporary failures
 *       are retried {@code DB_MAX_RETRIES} times, the delay before retry <i>i</i> being
 *       {@code DB_RETRY_BASE_DELAY * 2^(i-1)}; permanent ones (wrong password, missing database, SSL) are
 *       not. It never throws because the server is down: the result says what happened.</li>
 *   <li>Once connected, {@link #dataSource()} lends pooled connections. A connection-level failure seen on
 *       any pooled connection, or a liveness probe every {@code DB_RECONNECT_INTERVAL}, makes the manager
 *       probe the server directly. If the server is unreachable the manager enters
 *       {@link ConnectionPhase#RECONNECTING}; if it restarted, the pool is replaced at once.</li>
 *   <li>While reconnecting, calls fail fast with a temporary {@link DatabaseError} instead of blocking the
 *       connection timeout; at most one call per {@code DB_PROBE_INTERVAL} probes the server on its own
 *       thread, and the reconnect loop tries every {@code DB_RECONNECT_INTERVAL} even without traffic.
 *       The first successful probe installs a fresh pool, so work resumes without waiting for HikariCP's
 *       connection-adder backoff.</li>
 *   <li>{@link #disconnect()} returns within {@code DB_DISCONNECT_TIMEOUT}, even when the pool hangs, and
 *       leaves no pgkeeper thread behind. {@link #initializeConnection()} may be called again afterwards.</li>
 * </ol>
 *
 * <p>The password never reaches a log line, an exception message, a status or a health record, and it is
 * never put into the JDBC URL (pgjdbc logs that URL).
 *
 * <p>This class is thread-safe. {@link #getInstance()} returns a process-wide instance configured from the
 * environment; {@link #create(DatabaseConfig)} makes independent ones (tests, several databases).
 */
public final class ConnectionManager implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(ConnectionManager.class);
    private static final Duration RETIRE_GRACE = Duration.ofSeconds(30);
    private static final long RETIRE_POLL_MILLIS = 100;

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
    /** Held while a connection attempt builds and installs a pool: one attempt at a time. */
    private final ReentrantLock connectLock = new ReentrantLock();
    private final AtomicLong poolGenerations = new AtomicLong();
    private final AtomicLong lastCallerProbe = new AtomicLong(System.nanoTime() - TimeUnit.DAYS.toNanos(1));
    private final AtomicBoolean lossCheckQueued = new AtomicBoolean();
    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<ManagedPool> retiring = ConcurrentHashMap.newKeySet();

    // Guarded by "this". Lock order: connectLock before this.
    private ManagerThreads threads;
    private CompletableFuture<ConnectionResult> initialization;
    private Future<?> initializationRetries;
    private ScheduledFuture<?> watchdog;

    ConnectionManager(DatabaseConfig config, Scheduler retrySchedulerOverride, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.driver = DriverSettings.of(config);
        this.target = driver.target();
        this.prober = new Prober(driver);
        this.retrySchedulerOverride = retrySchedulerOverride;
        this.clock = clock;
        int loginTimeoutSeconds = (int) Math.max(1, config.connectionTimeout().toSeconds());
        this.dataSource = new ManagedDataSource(this::borrow, config.sanitizedUrl(), loginTimeoutSeconds);
        this.healthChecker = new HealthChecker(dataSource, config.probeTimeout(), this::poolStats, target, clock);
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
     * Connects, retrying temporary failures with exponential backoff, and proves the connection with
     * {@code SELECT 1} through the pool.
     *
     * <p>When already connected this returns a success at once without any I/O. Concurrent callers share
     * one attempt. When the retries are used up on a temporary failure, the reconnect loop takes over and
     * the manager connects on its own once the server is back; on a permanent failure nothing more is
     * tried until this method or {@link #reconnect()} is called again.
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
     * Builds a fresh pool and swaps it in behind the same {@link #dataSource()}; the old pool finishes
     * the work lent from it and is then closed. One attempt, bounded by the connection timeout; when it
     * fails, a working pool is kept. Before {@link #initializeConnection()} (or after
     * {@link #disconnect()}) this behaves like {@link #initializeConnection()}.
     *
     * @return the outcome; never {@code null}
     */
    public ConnectionResult reconnect() {
        ConnectionPhase phase = state.get().phase();
        if (phase == ConnectionPhase.NOT_INITIALIZED || phase == ConnectionPhase.DISCONNECTED) {
            return initializeConnection();
        }
        long start = System.nanoTime();
        connectLock.lock();
        try {
            ConnectionState s = state.get();
            if (s.phase() == ConnectionPhase.DISCONNECTED) {
                return ConnectionResult.failed(1, since(start), disconnectedError());
            }
            connect(s.session(), config.connectionTimeout());
            return ConnectionResult.connected(1, since(start));
        } catch (DatabaseError e) {
            LOG.warn("Reconnect to {} failed: {}", target.hosts(), e.getMessage());
            return ConnectionResult.failed(1, since(start), e);
        } finally {
            connectLock.unlock();
        }
    }

    private synchronized CompletableFuture<ConnectionResult> startInitialization() {
        if (initialization != null && !initialization.isDone()) {
            return initialization;
        }
        ConnectionState current = state.get();
        if (current.phase() == ConnectionPhase.CONNECTED) {
            return CompletableFuture.completedFuture(ConnectionResult.connected(0, Duration.ZERO));
        }
        if (threads == null) {
            threads = new ManagerThreads(config.name());
        }
        cancelWatchdog();
        long session = current.phase() == ConnectionPhase.NOT_INITIALIZED
                || current.phase() == ConnectionPhase.DISCONNECTED ? current.session() + 1 : current.session();
        update(s -> s.phase() == ConnectionPhase.CONNECTED ? s : s.connecting(session));

        CompletableFuture<ConnectionResult> result = new CompletableFuture<>();
        AtomicInteger attempts = new AtomicInteger();
        long start = System.nanoTime();
        RetryPolicy<ConnectionState> retries = RetryPolicy.<ConnectionState>builder()
                .handleIf(e -> e instanceof DatabaseError d && d.isTemporary())
                .withMaxRetries(config.maxRetries())
                .withDelayFn(ctx -> Backoff.delayBeforeRetry(config.retryBaseDelay(), ctx.getAttemptCount()))
                .onRetryScheduled(e -> retryScheduled((DatabaseError) e.getLastException(), e.getDelay()))
                .build();
        Scheduler scheduler = retrySchedulerOverride != null
                ? retrySchedulerOverride : Scheduler.of(threads.scheduler());
        LOG.info("Connecting to {} (up to {} retries)", config.sanitizedUrl(), config.maxRetries());
        CompletableFuture<ConnectionState> run = Failsafe.with(retries).with(scheduler).getAsync(() -> {
            attempts.incrementAndGet();
            return attemptInitialConnection(session);
        });
        initialization = result;
        initializationRetries = run;
        run.whenComplete((s, error) -> finishInitialization(result, session, attempts.get(), since(start), error));
        return result;
    }

    private ConnectionState attemptInitialConnection(long session) {
        connectLock.lock();
        try {
            ConnectionState s = state.get();
            if (s.session() != session || s.phase() == ConnectionPhase.DISCONNECTED) {
                throw disconnectedError();
            }
            return s.phase() == ConnectionPhase.CONNECTED ? s : connect(session, config.connectionTimeout());
        } finally {
            connectLock.unlock();
        }
    }

    private void retryScheduled(DatabaseError error, Duration delay) {
        ConnectionState s = state.get();
        LOG.warn("Connection attempt {} to {} failed: {} [{}]; retrying in {} ms", s.retryCount(), target.hosts(),
                error.getMessage(), error.code(), delay.toMillis());
        notifyListeners(ConnectionEvent.Type.RETRYING, s.retryCount(), delay, error);
    }

    private void finishInitialization(CompletableFuture<ConnectionResult> result, long session, int attempts,
                                      Duration took, Throwable error) {
        if (error == null) {
            result.complete(ConnectionResult.connected(attempts, took));
            return;
        }
        DatabaseError cause = error instanceof CancellationException ? disconnectedError() : categorize(unwrap(error));
        synchronized (this) {
            ConnectionState s = state.get();
            if (s.phase() == ConnectionPhase.CONNECTED && s.session() == session) {
                result.complete(ConnectionResult.connected(attempts, took));
                return;
            }
            if (s.session() == session && s.phase() == ConnectionPhase.CONNECTING) {
                if (cause.isTemporary()) {
                    update(x -> x.session() == session && x.phase() == ConnectionPhase.CONNECTING
                            ? x.reconnecting(cause) : x);
                    startWatchdog();
                    LOG.warn("Could not connect to {} after {} attempts: {} [{}]; the reconnect loop tries every {} ms",
                            target.hosts(), attempts, cause.getMessage(), cause.code(),
                            config.reconnectInterval().toMillis());
                    notifyListeners(ConnectionEvent.Type.RETRYING, state.get().retryCount(),
                            config.reconnectInterval(), cause);
                } else {
                    update(x -> x.session() == session && x.phase() == ConnectionPhase.CONNECTING
                            ? x.failed(cause) : x);
                    LOG.error("Could not connect to {}: {} [{}], not retried. Steps: {}", target.hosts(),
                            cause.getMessage(), cause.code(), String.join(" | ", cause.troubleshootingSteps()));
                    notifyListeners(ConnectionEvent.Type.FAILED, 0, null, cause);
                }
            }
        }
        result.complete(ConnectionResult.failed(attempts, took, cause));
    }

    /**
     * One attempt: probe the server directly, then build a pool, prove it with {@code SELECT 1} and install
     * it. The caller holds {@link #connectLock}.
     *
     * @throws DatabaseError the categorized failure, already recorded in the state
     */
    private ConnectionState connect(long session, Duration probeBound) {
        ProbeResult probe;
        try {
            probe = prober.probe(probeBound);
        } catch (DatabaseError e) {
            recordFailure(session, e);
            throw e;
        }
        return installPool(session, probe);
    }

    private ConnectionState installPool(long session, ProbeResult probe) {
        long generation = poolGenerations.incrementAndGet();
        ManagedPool pool = ManagedPool.start(config, driver, generation,
                new ConnectionFailureObserver(() -> suspectConnectionLoss(generation)));
        try (Connection c = pool.borrow(config.connectionTimeout().toMillis());
             Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        } catch (SQLException | RuntimeException e) {
            closeInBackground(pool);
            DatabaseError error = categorize(e);
            recordFailure(session, error);
            throw error;
        }
        ConnectionState previous;
        ConnectionState next;
        do {
            previous = state.get();
            if (previous.session() != session || previous.phase() == ConnectionPhase.DISCONNECTED) {
                closeInBackground(pool);
                throw disconnectedError();
            }
            next = previous.connected(pool, clock.instant(), probe.serverStartedAt());
        } while (!state.compareAndSet(previous, next));
        if (previous.pool() != null) {
            retire(previous.pool());
        }
        LOG.info("Connected to {} through pool {} (server started {})", config.sanitizedUrl(), pool.name(),
                probe.serverStartedAt());
        synchronized (this) {
            startWatchdog();
        }
        notifyListeners(ConnectionEvent.Type.CONNECTED, 0, null, null);
        return next;
    }

    private void recordFailure(long session, DatabaseError error) {
        update(s -> s.session() == session && s.isTryingToConnect() ? s.attemptFailed(error) : s);
    }

    // ---------------------------------------------------------------------------------------------
    // Watching: the reconnect loop while unreachable, liveness probes while connected

    /** (Re)starts the one periodic task that fits the phase. Caller holds "this". */
    private void startWatchdog() {
        cancelWatchdog();
        if (threads == null) {
            return;
        }
        long interval = config.reconnectInterval().toMillis();
        Runnable task = state.get().phase() == ConnectionPhase.CONNECTED ? this::livenessTick : this::reconnectTick;
        try {
            watchdog = threads.scheduler().scheduleWithFixedDelay(task, interval, interval, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("Not scheduling the watchdog: the manager is shutting down");
        }
    }

    private void cancelWatchdog() {
        if (watchdog != null) {
            watchdog.cancel(false);
            watchdog = null;
        }
    }

    private void reconnectTick() {
        connectLock.lock();
        try {
            ConnectionState s = state.get();
            if (s.phase() != ConnectionPhase.RECONNECTING) {
                return;
            }
            connect(s.session(), config.connectionTimeout());
        } catch (DatabaseError e) {
            ConnectionState s = state.get();
            LOG.warn("Reconnect attempt {} to {} failed: {} [{}]; next in {} ms", s.retryCount(), target.hosts(),
                    e.getMessage(), e.code(), config.reconnectInterval().toMillis());
            notifyListeners(ConnectionEvent.Type.RETRYING, s.retryCount(), config.reconnectInterval(), e);
        } catch (RuntimeException e) {
            LOG.error("Unexpected failure in the reconnect loop of {}", target.hosts(), e);
        } finally {
            connectLock.unlock();
        }
    }

    private void livenessTick() {
        try {
            verifyConnection(state.get().generation());
        } catch (RuntimeException e) {
            LOG.error("Unexpected failure in the liveness probe of {}", target.hosts(), e);
        }
    }

    /**
     * A pooled connection failed in a way that suggests the server is gone. Checks once, on the scheduler,
     * however many connections report it at the same moment.
     */
    private void suspectConnectionLoss(long generation) {
        ConnectionState s = state.get();
        if (s.phase() != ConnectionPhase.CONNECTED || s.generation() != generation
                || !lossCheckQueued.compareAndSet(false, true)) {
            return;
        }
        ManagerThreads t;
        synchronized (this) {
            t = threads;
        }
        try {
            t.scheduler().execute(() -> {
                lossCheckQueued.set(false);
                verifyConnection(generation);
            });
        } catch (RejectedExecutionException | NullPointerException e) {
            lossCheckQueued.set(false);
        }
    }

    /**
     * Probes the server behind pool {@code generation}: unreachable means the connection is lost; a new
     * start time means it restarted (or another host answers), so the pool is replaced before its stale
     * connections fail one by one.
     */
    private void verifyConnection(long generation) {
        connectLock.lock();
        try {
            ConnectionState s = state.get();
            if (s.phase() != ConnectionPhase.CONNECTED || s.generation() != generation) {
                return;
            }
            ProbeResult probe;
            try {
                probe = prober.probe(config.probeTimeout());
            } catch (DatabaseError e) {
                if (isUnreachable(e)) {
                    connectionLost(s, e);
                } else {
                    LOG.warn("Liveness probe of {} failed, pool kept: {} [{}]", target.hosts(), e.getMessage(), e.code());
                }
                return;
            }
            if (!probe.serverStartedAt().equals(s.serverStartedAt())) {
                LOG.warn("PostgreSQL at {} restarted (start time {} was {}); replacing pool {}", target.hosts(),
                        probe.serverStartedAt(), s.serverStartedAt(), s.pool().name());
                try {
                    installPool(s.session(), probe);
                } catch (DatabaseError e) {
                    if (isUnreachable(e)) {
                        connectionLost(state.get(), e);
                    }
                }
            }
        } finally {
            connectLock.unlock();
        }
    }

    private void connectionLost(ConnectionState connected, DatabaseError error) {
        if (!state.compareAndSet(connected, connected.reconnecting(error).attemptFailed(error))) {
            return;
        }
        retire(connected.pool());
        synchronized (this) {
            startWatchdog();
        }
        LOG.warn("Lost the connection to {}: {} [{}]; calls fail fast until a probe gets through, "
                        + "and the reconnect loop tries every {} ms", target.hosts(), error.getMessage(), error.code(),
                config.reconnectInterval().toMillis());
        notifyListeners(ConnectionEvent.Type.CONNECTION_LOST, 0, null, error);
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
     * <p>Its {@code getConnection()} lends from the current pool. While the manager is
     * {@link ConnectionPhase#RECONNECTING} it fails fast with a {@link SQLTransientConnectionException}
     * whose cause is a temporary {@link DatabaseError}; after {@link #disconnect()} or a permanent failure it
     * throws a {@link SQLNonTransientConnectionException} whose cause says why.
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

    private Connection borrow() throws SQLException {
        long deadline = System.nanoTime() + config.connectionTimeout().toNanos();
        boolean probed = false;
        SQLException lastTimeout = null;
        while (true) {
            ConnectionState s = state.get();
            if (s.phase() == ConnectionPhase.CONNECTED) {
                long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remaining <= 0) {
                    throw lastTimeout != null ? lastTimeout : poolTimeout(s, null);
                }
                try {
                    // Wait in slices, so a borrower learns within one slice that the server is gone.
                    return s.pool().borrow(Math.min(remaining, config.probeInterval().toMillis() * 2 + 50));
                } catch (SQLException e) {
                    if (state.get().pool() != s.pool()) {
                        continue; // the pool was replaced while we waited: borrow from the new one
                    }
                    if (!isPoolTimeout(e)) {
                        noticeBorrowFailure(s, e);
                        throw e;
                    }
                    lastTimeout = poolTimeout(s, e);
                }
            } else if (s.isTryingToConnect()) {
                if (!probed && probeOnCallerThread()) {
                    probed = true;
                    continue;
                }
                throw unavailable(s);
            } else {
                throw unusable(s);
            }
        }
    }

    /**
     * While the server is unreachable, lets one caller per probe interval try to connect on its own
     * thread. Others fail fast rather than wait for that probe.
     *
     * @return {@code true} when the manager is connected afterwards
     */
    private boolean probeOnCallerThread() {
        long now = System.nanoTime();
        long last = lastCallerProbe.get();
        if (now - last < config.probeInterval().toNanos() || !lastCallerProbe.compareAndSet(last, now)) {
            return false;
        }
        if (!connectLock.tryLock()) {
            return false;
        }
        try {
            ConnectionState s = state.get();
            if (s.isTryingToConnect()) {
                connect(s.session(), config.probeTimeout());
                synchronized (this) {
                    if (initializationRetries != null) {
                        // This probe got through before initializeConnection()'s next retry: stop the schedule;
                        // finishInitialization reports the success to the waiting callers.
                        initializationRetries.cancel(false);
                    }
                }
            }
            return state.get().phase() == ConnectionPhase.CONNECTED;
        } catch (DatabaseError e) {
            LOG.debug("Probe of {} failed: {}", target.hosts(), e.getMessage());
            return false;
        } finally {
            connectLock.unlock();
        }
    }

    private void noticeBorrowFailure(ConnectionState s, SQLException e) {
        if (isUnreachable(categorize(e))) {
            suspectConnectionLoss(s.generation());
        }
    }

    private static boolean isPoolTimeout(SQLException e) {
        return e instanceof SQLTransientConnectionException
                && String.valueOf(e.getMessage()).contains("Connection is not available, request timed out");
    }

    private SQLException poolTimeout(ConnectionState s, SQLException lastSlice) {
        PoolStats p = s.pool().stats();
        SQLTransientConnectionException e = new SQLTransientConnectionException(s.pool().name()
                + " - Connection is not available, request timed out after " + config.connectionTimeout().toMillis()
                + "ms (total=" + p.total() + ", active=" + p.active() + ", idle=" + p.idle()
                + ", waiting=" + p.waiting() + ")", lastSlice == null ? null : lastSlice.getSQLState(), lastSlice);
        noticeBorrowFailure(s, e);
        return e;
    }

    private SQLException unavailable(ConnectionState s) {
        DatabaseError last = s.lastError();
        ErrorCode code = last == null ? ErrorCode.NETWORK_ERROR : last.code();
        String why = last == null ? "the first connection attempt is still under way" : last.getMessage();
        DatabaseError error = new DatabaseError(code, "PostgreSQL at " + target.hosts()
                + " is unavailable, failing fast instead of waiting (" + why + ")",
                last == null ? List.of("Wait for initializeConnection() to finish") : last.troubleshootingSteps(),
                last == null ? java.util.Map.of() : last.context(), last == null ? null : last.getCause());
        String sqlState = last != null && last.sqlState() != null ? last.sqlState() : "08001";
        return code.isTemporary()
                ? new SQLTransientConnectionException(error.getMessage(), sqlState, error)
                : new SQLNonTransientConnectionException(error.getMessage(), sqlState, error);
    }

    private SQLException unusable(ConnectionState s) {
        DatabaseError error = s.phase() == ConnectionPhase.FAILED && s.lastError() != null
                ? s.lastError()
                : s.phase() == ConnectionPhase.DISCONNECTED ? disconnectedError() : notInitializedError();
        return new SQLNonTransientConnectionException(error.getMessage(),
                error.sqlState() != null ? error.sqlState() : "08003", error);
    }

    private DatabaseError notInitializedError() {
        return new DatabaseError(ErrorCode.NOT_INITIALIZED, "ConnectionManager '" + config.name()
                + "' is not initialized: call initializeConnection() before using the database",
                List.of("Call ConnectionManager.initializeConnection() once at application start, before building "
                        + "repositories or handing out dataSource()"), java.util.Map.of(), null);
    }

    private DatabaseError disconnectedError() {
        return new DatabaseError(ErrorCode.NOT_INITIALIZED, "ConnectionManager '" + config.name()
                + "' was disconnected: call initializeConnection() to connect again",
                List.of("Call initializeConnection() again, or stop using the database after disconnect()"),
                java.util.Map.of(), null);
    }

    // ---------------------------------------------------------------------------------------------
    // Disconnecting

    /**
     * Closes the pool and stops the reconnect loop, returning within {@code DB_DISCONNECT_TIMEOUT} even when
     * the pool hangs; connections still lent out are aborted. When it returns in time, no pgkeeper thread is
     * left. When the pool's close is stuck on the network (a connection attempt into a silent host), it is
     * left to finish on a daemon thread, which ends within the connection timeout. Idempotent.
     * {@link #initializeConnection()} works again afterwards.
     */
    public void disconnect() {
        long deadline = System.nanoTime() + config.disconnectTimeout().toNanos();
        ManagerThreads t;
        ConnectionState before;
        synchronized (this) {
            before = state.getAndUpdate(s -> s.phase() == ConnectionPhase.NOT_INITIALIZED
                    || s.phase() == ConnectionPhase.DISCONNECTED ? s : s.disconnected());
            if (before.phase() == ConnectionPhase.NOT_INITIALIZED || before.phase() == ConnectionPhase.DISCONNECTED) {
                return;
            }
            cancelWatchdog();
            if (initializationRetries != null) {
                initializationRetries.cancel(true);
            }
            t = threads;
            threads = null;
        }
        List<ManagedPool> pools = new ArrayList<>(retiring);
        retiring.clear();
        if (before.pool() != null) {
            pools.add(before.pool());
        }
        boolean clean = closeAll(pools, t, deadline);
        try {
            clean &= t == null || t.shutdown(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            clean = false;
        }
        if (clean) {
            LOG.info("Disconnected from {}", target.hosts());
        } else {
            LOG.warn("Disconnected from {}, but closing the pool did not finish within {} ms; it goes on in a "
                    + "daemon thread, bounded by the connection timeout", target.hosts(), config.disconnectTimeout().toMillis());
        }
        notifyListeners(ConnectionEvent.Type.DISCONNECTED, 0, null, null);
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
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    /** Takes a replaced pool out of service and closes it once nothing is lent from it, or after a grace period. */
    private void retire(ManagedPool pool) {
        pool.retire();
        retiring.add(pool);
        ManagerThreads t;
        synchronized (this) {
            t = threads;
        }
        if (t == null) {
            return;
        }
        long giveUp = System.nanoTime() + RETIRE_GRACE.toNanos();
        AtomicReference<ScheduledFuture<?>> poll = new AtomicReference<>();
        try {
            poll.set(t.scheduler().scheduleWithFixedDelay(() -> {
                if ((pool.isQuiet() || System.nanoTime() > giveUp) && retiring.remove(pool)) {
                    poll.get().cancel(false);
                    closeInBackground(pool);
                }
            }, RETIRE_POLL_MILLIS, RETIRE_POLL_MILLIS, TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException e) {
            LOG.debug("Manager shutting down; {} is closed by disconnect()", pool.name());
        }
    }

    private void closeInBackground(ManagedPool pool) {
        ManagerThreads t;
        synchronized (this) {
            t = threads;
        }
        try {
            if (t != null) {
                t.closer().execute(() -> closeQuietly(pool));
                return;
            }
        } catch (RejectedExecutionException e) {
            // fall through: close on this thread
        }
        closeQuietly(pool);
    }

    /**
     * Shuts a pool down completely. HikariCP abandons its shutdown half-way (leaving its housekeeper thread
     * alive) when the closing thread is interrupted, so the interrupt status is set aside while closing and
     * restored afterwards.
     */
    private static void closeQuietly(ManagedPool pool) {
        boolean interrupted = Thread.interrupted();
        try {
            pool.close();
        } catch (InterruptedException e) {
            interrupted = true;
            try {
                pool.close(); // finish what the interrupt cut short
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
                s.phase() == ConnectionPhase.RECONNECTING, poolStats(s), config.sanitizedUrl());
    }

    private PoolStats poolStats() {
        return poolStats(state.get());
    }

    private PoolStats poolStats(ConnectionState s) {
        return s.pool() == null ? PoolStats.none(config.poolSize()) : s.pool().stats();
    }

    /**
     * Runs a query through the pool and reports round-trip latency, server version and role. Bounded by
     * {@code DB_PROBE_TIMEOUT}: it returns DOWN rather than hang. While the manager knows the server is
     * unreachable (or before it is initialized) it answers DOWN at once without I/O, except that it may
     * serve as the probe that finds the server back. Never throws.
     */
    public DatabaseHealthResult checkHealth() {
        ConnectionState s = state.get();
        ManagerThreads t;
        synchronized (this) {
            t = threads;
        }
        if (t == null || s.phase() == ConnectionPhase.NOT_INITIALIZED || s.phase() == ConnectionPhase.DISCONNECTED) {
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
     * Registers a listener for {@link ConnectionEvent}s.
     *
     * @throws NullPointerException if {@code listener} is {@code null}
     */
    public void addListener(ConnectionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a listener registered earlier; does nothing if it was not registered. */
    public void removeListener(ConnectionListener listener) {
        listeners.remove(listener);
    }

    private void notifyListeners(ConnectionEvent.Type type, int attempt, Duration nextDelay, DatabaseError error) {
        if (listeners.isEmpty()) {
            return;
        }
        ConnectionEvent event = new ConnectionEvent(type, state.get().phase(), clock.instant(), attempt, nextDelay,
                error);
        for (ConnectionListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("Connection listener {} failed on {}", l, type, e);
            }
        }
    }

    @Override
    public String toString() {
        ConnectionState s = state.get();
        return "ConnectionManager[" + config.name() + ", " + s.phase() + ", " + config.sanitizedUrl() + "]";
    }

    // ---------------------------------------------------------------------------------------------

    private void update(UnaryOperator<ConnectionState> change) {
        state.updateAndGet(change);
    }

    private static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CompletionException || current instanceof ExecutionException
                || current instanceof dev.failsafe.FailsafeException) && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
