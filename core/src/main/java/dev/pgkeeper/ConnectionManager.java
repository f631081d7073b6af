package dev.pgkeeper;

import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import dev.failsafe.spi.Scheduler;
import dev.pgkeeper.internal.errors.ConnectionTarget;
import dev.pgkeeper.internal.config.DriverSettings;
import dev.pgkeeper.internal.errors.ErrorClassifier;
import dev.pgkeeper.internal.health.HealthChecker;
import dev.pgkeeper.internal.hosts.HostBoard;
import dev.pgkeeper.internal.hosts.ReadRouter;
import dev.pgkeeper.internal.url.ConnectionUrl.HostPort;
import dev.pgkeeper.internal.lifecycle.BorrowObservers;
import dev.pgkeeper.internal.lifecycle.ConnectionState;
import dev.pgkeeper.internal.lifecycle.Initializer;
import dev.pgkeeper.internal.lifecycle.Lender;
import dev.pgkeeper.internal.lifecycle.ManagedDataSource;
import dev.pgkeeper.internal.lifecycle.ProbeSchedule;
import dev.pgkeeper.internal.lifecycle.Session;
import dev.pgkeeper.internal.lifecycle.SessionThreads;
import dev.pgkeeper.internal.lifecycle.StateMachine;
import dev.pgkeeper.internal.lifecycle.Watcher;
import dev.pgkeeper.internal.pool.ManagedPool;
import dev.pgkeeper.internal.pool.PoolMetrics;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 *       with the pool's own settings, which then becomes the pool's first connection. Temporary failures are
 *       retried {@code DB_MAX_RETRIES} times, the delay before retry <i>i</i> being
 *       {@code DB_RETRY_BASE_DELAY * 2^(i-1)}; permanent ones (wrong password, missing database, SSL) are
 *       not. It never throws because the server is down: the result says what happened. It blocks until the
 *       schedule ends; {@link #initializeConnection(Duration)} bounds the wait, and
 *       {@link #initializeConnectionAsync()} does not block at all.</li>
 *   <li>Once connected, {@link #dataSource()} lends pooled connections, each call within its own deadline
 *       (at most {@code DB_CONNECTION_TIMEOUT}). A connection-level failure on any pooled connection
 *       (SQLState class 08, 57P01–57P03), a failed attempt of the pool to open one, or the liveness probe
 *       every {@code DB_RECONNECT_INTERVAL} makes the manager probe the server directly, one probe at a time.
 *       If it is unreachable the manager enters {@link ConnectionPhase#RECONNECTING} and the calls waiting in
 *       the pool are released at once with a temporary error. If the same server answers with a new start
 *       time it restarted, and the pool drops the connections it had (lent ones when they come back; none is
 *       aborted); another server answering behind the same address is not a restart.</li>
 *   <li>While reconnecting, calls fail fast with a temporary {@link DatabaseError} instead of waiting for the
 *       connection timeout. A call joins the probe in flight, or starts one when the probe schedule says one is
 *       due (every {@code DB_PROBE_INTERVAL} at first, backing off with jitter to {@code DB_PROBE_MAX_INTERVAL}
 *       as the outage lasts; see {@link DatabaseConfig#probeInterval()}), and waits for it only as long as a login to this server has been taking
 *       (the wait is capped at 250 ms); the periodic loop tries every {@code DB_RECONNECT_INTERVAL} even without
 *       traffic.
 *       The first probe that gets through installs a fresh pool whose first connection is the probe's own.
 *       After a permanent failure (the password was changed) the manager is {@link ConnectionPhase#FAILED}:
 *       calls fail fast and do not probe, and only the periodic loop tries again.</li>
 *   <li>{@link #disconnect()} returns within {@code DB_DISCONNECT_TIMEOUT}. It is not final:
 *       {@link #initializeConnection()} may be called again afterwards, and so may {@link #close()}, which is
 *       the same call (beware {@code try}-with-resources on the shared {@link #getInstance()}).</li>
 * </ol>
 * The states and their transitions are drawn in {@code dev.pgkeeper.internal.lifecycle}'s package
 * documentation. Listeners see every transition of a session as one event, in order, on one thread.
 *
 * <p>The password never reaches a log line, an exception message, a status or a health record, and it is
 * never put into the JDBC URL (pgjdbc logs that URL).
 *
 * <p>This class is thread-safe. {@link #getInstance()} returns a process-wide instance configured from the
 * environment; {@link #create(DatabaseConfig)} makes independent ones (tests, several databases).
 */
public final class ConnectionManager implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(ConnectionManager.class);

    /** Where {@link #getInstance()} takes its configuration; replaced only by tests. */
    static volatile Supplier<DatabaseConfig> instanceConfig = DatabaseConfig::fromEnvironment;
    private static volatile ConnectionManager instance;

    private final DatabaseConfig config;
    private final ConnectionTarget target;
    private final StateMachine machine;
    private final Watcher watcher;
    private final Initializer initializer;
    private final ManagedDataSource dataSource;
    private final HostBoard board;
    private final ReadRouter readRouter;
    private final ManagedDataSource readDataSource;
    private final HealthChecker healthChecker;
    private final PoolMetrics poolMetrics;
    private final BorrowObservers borrowObservers;

    ConnectionManager(DatabaseConfig config, Scheduler retrySchedulerOverride, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        DriverSettings driver = DriverSettings.of(config);
        this.target = driver.target();
        this.machine = new StateMachine(config.name(), clock, () -> ProbeSchedule.of(config));
        this.board = new HostBoard(clock);
        this.poolMetrics = new PoolMetrics(config.name(), this::poolStats, config.poolMinIdle());
        this.borrowObservers = new BorrowObservers(e -> categorize(e).code());
        this.watcher = new Watcher(machine, config, driver, board, poolMetrics);
        this.initializer = new Initializer(machine, watcher, config, target, retrySchedulerOverride);
        Lender lender = new Lender(machine, watcher, target, config.name(), config.connectionTimeout().toMillis());
        this.dataSource = new ManagedDataSource(lender, config.url(), config.connectionTimeout().toMillis(),
                borrowObservers, false);
        DriverSettings reads = DriverSettings.forReads(config);
        this.readRouter = new ReadRouter(machine, config, reads != null ? reads : driver.followsPrimary() ? driver : null,
                board, lender);
        this.readDataSource = new ManagedDataSource(readRouter, "reads of " + (config.readUrl() != null
                ? config.readUrl() : config.url()), config.connectionTimeout().toMillis(), borrowObservers, true);
        this.healthChecker = new HealthChecker(lender, config.probeTimeout(), this::poolStats, target, clock);
    }

    /**
     * Creates an independent manager. Nothing is connected until {@link #initializeConnection()}.
     *
     * @param config the configuration, already validated by {@link DatabaseConfig.Builder#build()}
     * @return a new manager, not yet connected
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
     * @return the process-wide manager, the same instance on every call
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

    /**
     * The configuration this manager was created with.
     *
     * @return the configuration; never {@code null}
     */
    public DatabaseConfig config() {
        return config;
    }

    // ---------------------------------------------------------------------------------------------
    // Connecting

    /**
     * Connects, retrying temporary failures with exponential backoff, and waits until the retry schedule ends
     * (with the defaults and a server that is down, 1+2+4+8+16 s of delays plus the attempts themselves; at
     * most {@code (DB_MAX_RETRIES + 2) * DB_CONNECTION_TIMEOUT} plus the delays). Use
     * {@link #initializeConnection(Duration)} to bound the wait, or {@link #initializeConnectionAsync()} to
     * start without waiting.
     *
     * <p>When already connected this returns a success at once without any I/O. Concurrent callers share
     * one schedule. When the schedule ends without a connection, the manager goes on trying by itself: after
     * a temporary failure it is {@link ConnectionPhase#RECONNECTING} (calls probe, and the periodic loop tries
     * every {@code DB_RECONNECT_INTERVAL}); after a permanent one it is {@link ConnectionPhase#FAILED} (only
     * the periodic loop tries, in case the cause is fixed).
     *
     * @return the outcome; never {@code null}
     */
    public ConnectionResult initializeConnection() {
        return initializeConnection(initializer.worstCase());
    }

    /**
     * Like {@link #initializeConnection()}, but waits at most {@code maxWait}. When that is not enough, the
     * result is a failure that says so (with the last attempt's error code, if there was one), and connecting
     * goes on in the background exactly as if the caller had waited.
     *
     * @param maxWait the longest time to wait; connecting goes on in the background after it
     * @return the outcome; never {@code null}
     * @throws NullPointerException     if {@code maxWait} is {@code null}
     * @throws IllegalArgumentException if {@code maxWait} is negative
     */
    public ConnectionResult initializeConnection(Duration maxWait) {
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
        }
        if (isConnected()) {
            return ConnectionResult.connected(0, Duration.ZERO);
        }
        long start = System.nanoTime();
        CompletableFuture<ConnectionResult> result = startInitialization();
        try {
            return result.get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ConnectionResult.failed(0, since(start), new DatabaseError(ErrorCode.UNKNOWN_ERROR,
                    "Interrupted while waiting to connect to " + target.hosts()
                            + "; the attempt goes on in the background"));
        } catch (TimeoutException e) {
            return ConnectionResult.failed(machine.current().retryCount(), since(start), notYetConnected(maxWait));
        } catch (ExecutionException e) {
            return ConnectionResult.failed(0, since(start), categorize(e.getCause()));
        }
    }

    /**
     * Starts connecting in the background and returns at once, so that a service can start, and answer its
     * liveness checks, while the database is still down. The future completes as
     * {@link #initializeConnection()} would return (never exceptionally); cancelling it stops nothing.
     * Concurrent callers share one retry schedule.
     *
     * @return the outcome, later
     */
    public CompletableFuture<ConnectionResult> initializeConnectionAsync() {
        return startInitialization().copy();
    }

    private CompletableFuture<ConnectionResult> startInitialization() {
        if (isConnected()) {
            return CompletableFuture.completedFuture(ConnectionResult.connected(0, Duration.ZERO));
        }
        Session session = machine.begin();
        watcher.startLoop(session);
        readRouter.start(session);
        return initializer.start(session);
    }

    private DatabaseError notYetConnected(Duration maxWait) {
        DatabaseError last = machine.current().lastError();
        String message = "Not connected to " + target.hosts() + " within " + maxWait.toMillis()
                + " ms; connecting goes on in the background";
        return last == null
                ? new DatabaseError(ErrorCode.NETWORK_ERROR, message + " (no attempt has finished yet)")
                : new DatabaseError(last.code(), message + " (last attempt: " + last.getMessage() + ")",
                        last.troubleshootingSteps(), last.context(), last.getCause());
    }

    /**
     * Builds a fresh pool behind the same {@link #dataSource()} after probing the server. Connections lent
     * from the old pool keep working, and it is closed when the last of them comes back (or at
     * {@link #disconnect()}); calls waiting in it move to the new pool. When the attempt fails, a working pool
     * is kept. Takes at most the connection timeout, plus the half second a probe already in flight may need.
     * Before {@link #initializeConnection()}, or after {@link #disconnect()}, this behaves like
     * {@link #initializeConnection()}.
     *
     * @return the outcome; never {@code null}
     */
    public ConnectionResult reconnect() {
        ConnectionState s = machine.current();
        if (s.isIdle()) {
            return initializeConnection();
        }
        long start = System.nanoTime();
        DatabaseError error = watcher.replacePool(s.session(), config.connectionTimeout());
        if (error != null) {
            LOG.warn("Reconnect to {} failed: {} [{}]", target.hosts(), error.getMessage(), error.code());
            return ConnectionResult.failed(1, since(start), error);
        }
        return ConnectionResult.connected(1, since(start));
    }

    /** Runs a liveness probe now and returns once its outcome has been applied; for tests. */
    void verifyConnectionNow() {
        Session session = machine.current().session();
        if (session != null) {
            watcher.verifyNow(session);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Lending connections

    /**
     * The DataSource to give to MyBatis, Flyway or JDBC code. The same object for the manager's whole
     * life: it survives {@link #reconnect()}, outages and even {@link #disconnect()} followed by
     * {@link #initializeConnection()}.
     *
     * <p>Its {@code getConnection()} returns within {@code DB_CONNECTION_TIMEOUT} on every path. While the
     * manager is {@link ConnectionPhase#RECONNECTING} it fails fast with a
     * {@link SQLTransientConnectionException} whose cause is a temporary {@link DatabaseError}, and so do calls
     * that were waiting in the pool when the connection was lost; after {@link #disconnect()} or a permanent
     * failure it throws a {@link SQLNonTransientConnectionException} whose cause says why.
     *
     * @return the manager's DataSource, the same instance on every call
     * @throws DatabaseError with {@link ErrorCode#NOT_INITIALIZED} before the first
     *                       {@link #initializeConnection()}
     */
    public DataSource dataSource() {
        if (machine.current().phase() == ConnectionPhase.NOT_INITIALIZED) {
            throw Lender.notInitializedError(config.name());
        }
        return dataSource;
    }

    /**
     * A DataSource for read-only work, on the same terms as {@link #dataSource()}. With standbys to read from
     * (the hosts of {@code DATABASE_READ_URL}, or the standbys among the hosts of a {@code DATABASE_URL} that
     * asks for a primary, such as {@code postgresql://app@db1,db2/app?target_session_attrs=read-write}), each
     * connection comes from a reachable standby whose replay lag is within {@code DB_MAX_REPLICA_LAG}, in turn;
     * a standby that fails or lags behind gets no reads until a check every {@code DB_REPLICA_CHECK_INTERVAL}
     * finds it healthy again. Without such a standby, connections come from the primary, exactly as from
     * {@link #dataSource()}. Connections are read-only ({@link java.sql.Connection#setReadOnly}) either way.
     *
     * <p>A standby may lag behind the primary by up to the bound: a write committed through
     * {@link #dataSource()} may not be visible yet. Read your own writes from {@link #dataSource()}.
     *
     * @return the manager's read-only DataSource, the same instance on every call
     * @throws DatabaseError with {@link ErrorCode#NOT_INITIALIZED} before the first
     *                       {@link #initializeConnection()}
     */
    public DataSource readDataSource() {
        if (machine.current().phase() == ConnectionPhase.NOT_INITIALIZED) {
            throw Lender.notInitializedError(config.name());
        }
        return readDataSource;
    }

    // ---------------------------------------------------------------------------------------------
    // Disconnecting

    /**
     * Stops the retry schedule and the periodic loop and closes the pools, returning within
     * {@code DB_DISCONNECT_TIMEOUT}. Connections still lent out are aborted, and calls waiting for one fail.
     * When it returns in time, no pgkeeper thread is left. A pool whose close is stuck on the network
     * (HikariCP waits for a connection attempt into a silent host) is left to finish on a daemon thread.
     * Listeners get {@link ConnectionEvent.Type#DISCONNECTED} after every earlier event of the session, and
     * this method waits for that (within its bound) unless a listener called it. Idempotent.
     * {@link #initializeConnection()} works again afterwards.
     */
    public void disconnect() {
        long deadline = System.nanoTime() + config.disconnectTimeout().toNanos();
        StateMachine.Transition t = machine.end();
        if (t == null) {
            return;
        }
        Session session = t.before().session();
        session.stopRetries();
        List<ManagedPool> pools = new ArrayList<>(session.retirement().drain());
        pools.addAll(session.drainAdopted());
        if (t.before().pool() != null) {
            pools.add(t.before().pool());
        }
        boolean clean = closeAll(pools, session.threads(), deadline);
        try {
            clean &= session.threads().shutdown(deadline);
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

    private static boolean closeAll(List<ManagedPool> pools, SessionThreads threads, long deadline) {
        List<CompletableFuture<Void>> closes = new ArrayList<>();
        for (ManagedPool pool : pools) {
            closes.add(CompletableFuture.runAsync(() -> Session.closeQuietly(pool), threads.closer()));
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

    // ---------------------------------------------------------------------------------------------
    // Observing

    /**
     * {@code true} when the manager is {@link ConnectionPhase#CONNECTED}. Cheap; no I/O.
     *
     * @return {@code true} when connected
     */
    public boolean isConnected() {
        return machine.current().phase() == ConnectionPhase.CONNECTED;
    }

    /**
     * A consistent snapshot of the connection's state and the pool's numbers. Cheap; no I/O.
     *
     * @return the current status; never {@code null}
     */
    public ConnectionStatus getConnectionStatus() {
        ConnectionState s = machine.current();
        DatabaseError e = s.lastError();
        return new ConnectionStatus(s.phase() == ConnectionPhase.CONNECTED, s.phase(), s.lastConnectedAt(),
                e == null ? null : e.code(), e == null ? null : e.getMessage(), s.retryCount(),
                s.awaitsConnection(), poolStats(s), config.url());
    }

    /**
     * What was last measured about each host of {@code DATABASE_URL} and {@code DATABASE_READ_URL}, in URL order:
     * reachable, role, replay lag, and whether it serves writes or reads now. Hosts are measured by the probes
     * of the lifecycle (all at once when several hosts must yield a primary) and, when there are standbys to
     * read from, every {@code DB_REPLICA_CHECK_INTERVAL}. Cheap; no I/O. Empty for a URL of several hosts that
     * does not ask for a primary (pgjdbc then picks a host per connection).
     *
     * @return one entry per host, in URL order; unmodifiable, possibly empty
     */
    public List<HostStatus> hosts() {
        ConnectionState s = machine.current();
        HostPort writes = s.phase() == ConnectionPhase.CONNECTED && s.pool() != null ? s.pool().host() : null;
        List<HostStatus> result = new ArrayList<>();
        for (HostBoard.Report r : board.all()) {
            result.add(new HostStatus(r.host().toString(), r.reachable(), r.role(),
                    r.role() == ServerRole.STANDBY && r.lagMillis() >= 0 ? Duration.ofMillis(r.lagMillis()) : null,
                    r.host().equals(writes), readRouter.servesReads(r.host()), r.at(), r.error()));
        }
        return List.copyOf(result);
    }

    private PoolStats poolStats() {
        return poolStats(machine.current());
    }

    private PoolStats poolStats(ConnectionState s) {
        return s.pool() == null ? PoolStats.none(config.poolSize()) : s.pool().stats();
    }

    /**
     * Runs a query through the pool and reports round-trip latency, server version and role. Bounded by
     * {@code DB_PROBE_TIMEOUT}: it returns DOWN rather than hang, and concurrent checks share one query.
     * While the manager knows the server is unreachable it answers DOWN at once, except that it may serve
     * as the probe that finds the server back. Never throws.
     *
     * @return the health report; never {@code null}
     */
    public DatabaseHealthResult checkHealth() {
        ConnectionState s = machine.current();
        if (s.isIdle()) {
            return healthChecker.down(machine.clock().instant(), s.phase() == ConnectionPhase.DISCONNECTED
                    ? Lender.disconnectedError(config.name()) : Lender.notInitializedError(config.name()));
        }
        return healthChecker.check(s.session().threads().health());
    }

    /**
     * {@link #checkHealth()} plus JVM uptime and heap usage. Never throws.
     *
     * @return the health report with the JVM's figures; never {@code null}
     */
    public SystemHealthResult checkSystemHealth() {
        DatabaseHealthResult database = checkHealth();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return new SystemHealthResult(database.status(), database, ManagementFactory.getRuntimeMXBean().getUptime(),
                heap.getUsed(), heap.getCommitted(), heap.getMax(), machine.clock().instant());
    }

    /**
     * Categorizes any exception in the context of this manager, so its troubleshooting steps name this
     * manager's host, port, database and user. Never throws.
     *
     * @param error what was thrown, or {@code null}
     * @return the categorized error, as {@link ErrorCategorizer#categorize(Throwable, DatabaseConfig)} gives it for
     *     this manager's configuration; never {@code null}
     */
    public DatabaseError categorize(Throwable error) {
        return ErrorClassifier.classify(error, target);
    }

    /**
     * Registers a listener for {@link ConnectionEvent}s. Every transition of the manager's state is announced
     * by one event, delivered in the order the transitions happened, on the manager's event thread
     * ({@code pgkeeper-<name>-events}), never while the manager holds a lock and never for a transition that
     * lost a race; so a listener may call the manager. A listener that blocks delays the events after it.
     *
     * @param listener the listener to add
     * @throws NullPointerException if {@code listener} is {@code null}
     */
    public void addListener(ConnectionListener listener) {
        machine.addListener(listener);
    }

    /**
     * Removes a listener registered earlier; does nothing if it was not registered.
     *
     * @param listener the listener to remove
     */
    public void removeListener(ConnectionListener listener) {
        machine.removeListener(listener);
    }

    /**
     * Feeds a HikariCP metrics tracker (for example HikariCP's own
     * {@code com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory}) from the manager's pool, across
     * every pool it installs: the manager replaces its pool after an outage, on {@link #reconnect()} and after
     * a switchover, and the tracker sees them as one pool. {@code factory} is called once, now, with the manager's
     * {@linkplain DatabaseConfig#name() name} as the pool name (HikariCP's Micrometer tracker makes it the
     * {@code pool} tag, so series keep their name when the pool is replaced) and pool statistics that always
     * describe the pool serving now (all zero while there is none). The tracker it returns then receives the
     * acquire, usage, creation and timeout events of every pool, from now until
     * {@link #removePoolMetricsTracker(MetricsTrackerFactory)}; {@link #disconnect()} does not close it. The read
     * pools of {@link #readDataSource()}'s standbys are not tracked.
     *
     * <p>May be called at any time, before or after {@link #initializeConnection()}. The manager's pools always
     * report to it (so a tracker added later sees the pool already serving): HikariCP times each borrow and
     * return, and without a tracker the forwarding costs one volatile read. Thread-safe.
     *
     * @param factory creates the tracker, once, named after this manager
     * @return {@code false}, calling nothing, when {@code factory} is registered already
     * @throws NullPointerException if {@code factory} is {@code null}
     * @throws RuntimeException     whatever {@code factory} throws, in which case nothing is registered
     */
    public boolean addPoolMetricsTracker(MetricsTrackerFactory factory) {
        return poolMetrics.add(Objects.requireNonNull(factory, "factory"));
    }

    /**
     * Stops feeding the tracker that {@code factory} created in
     * {@link #addPoolMetricsTracker(MetricsTrackerFactory)}, and closes it (HikariCP's Micrometer tracker then
     * removes its meters from the registry).
     *
     * @param factory a factory given to {@link #addPoolMetricsTracker(MetricsTrackerFactory)}
     * @return whether {@code factory} was registered
     */
    public boolean removePoolMetricsTracker(MetricsTrackerFactory factory) {
        return factory != null && poolMetrics.remove(factory);
    }

    /**
     * Registers an observer of every {@code getConnection()} on {@link #dataSource()} and
     * {@link #readDataSource()}: duration and outcome, including calls that fail fast without reaching the pool.
     * Without observers a call does not even read the clock. Registering the same observer twice has no effect.
     * Thread-safe.
     *
     * @param observer told of every call, on the calling thread
     * @throws NullPointerException if {@code observer} is {@code null}
     */
    public void addBorrowObserver(BorrowObserver observer) {
        borrowObservers.add(observer);
    }

    /**
     * Removes an observer registered earlier; does nothing if it was not registered.
     *
     * @param observer the observer to remove
     */
    public void removeBorrowObserver(BorrowObserver observer) {
        borrowObservers.remove(observer);
    }

    @Override
    public String toString() {
        return "ConnectionManager[" + config.name() + ", " + machine.current().phase() + ", " + config.url() + "]";
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
