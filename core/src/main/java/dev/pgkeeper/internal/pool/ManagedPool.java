package dev.pgkeeper.internal.pool;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.pool.HikariPool;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.PoolStats;
import dev.pgkeeper.internal.config.DriverSettings;
import dev.pgkeeper.internal.url.ConnectionUrl.HostPort;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * One generation of the HikariCP pool behind a manager's stable DataSource. The manager installs a new one after an outage (instead of waiting for HikariCP's connection adder to
 * back off and recover) or on {@code reconnect()}, and retires the old one ({@link #retire()}).
 *
 * <p>This wraps {@link HikariPool} rather than {@code HikariDataSource}, HikariCP's usual entry point,
 * because only {@link HikariPool#getConnection(long)} takes a per-call timeout, and each call to the
 * manager's DataSource has its own deadline. The configuration is built and validated exactly as
 * {@code HikariDataSource} does it, and is not changed after the pool starts except through the setters
 * HikariCP offers for that ({@code HikariConfigMXBean}).
 *
 * <p>Threads waiting in a pool that is retired are released at once ({@link ReleasedException}), so they can
 * fail fast or move to the next pool instead of waiting out their timeout in a pool nobody will refill.
 *
 * <p>Thread-safe.
 */
public final class ManagedPool {

    /** Thrown to a thread that waited in (or came to) a pool that was retired meanwhile. */
    public static final class ReleasedException extends SQLTransientConnectionException {
        private static final long serialVersionUID = 1L;

        ReleasedException(String poolName) {
            super(poolName + " was taken out of service while waiting for a connection", "08003");
        }
    }

    private final HikariPool pool;
    private final HikariConfig hikariConfig;
    private final long generation;
    private final long validationTimeoutMillis;
    private final WarmConnection first;
    private final PgDataSource dataSource;
    private final Waiters waiters = new Waiters();
    private final HostPort host;
    /** Set once by {@link #retire()}; guarded by {@code this}. */
    private boolean retired;
    /** When a connection was last lent ({@link System#nanoTime()}): evidence that the pool makes progress. */
    private volatile long lastLentAt = System.nanoTime();

    private ManagedPool(HikariPool pool, HikariConfig hikariConfig, long generation, WarmConnection first, HostPort host) {
        this.host = host;
        this.dataSource = (PgDataSource) hikariConfig.getDataSource();
        this.pool = pool;
        this.hikariConfig = hikariConfig;
        this.generation = generation;
        this.validationTimeoutMillis = hikariConfig.getValidationTimeout();
        this.first = first;
    }

    /**
     * Starts a pool. It opens no connection before the first borrow or the first housekeeping run, so
     * building it never blocks on the network.
     *
     * @param onConnectionFailure called, possibly from many threads at once, when a pooled connection fails
     *                            at the connection level or the pool cannot open one; must be cheap
     * @param first               a connection just proved by a probe, to become the pool's first (the pool
     *                            owns it from now on, and closes it if it never used it)
     */
    public static ManagedPool start(DatabaseConfig config, DriverSettings settings, long generation,
                                    Runnable onConnectionFailure, WarmConnection first) {
        return start(config, settings, generation, onConnectionFailure, first, false);
    }

    /**
     * Starts a pool as {@link #start(DatabaseConfig, DriverSettings, long, Runnable, WarmConnection)} does.
     *
     * @param primaryOnly whether a write refused as read-only (SQLState 25006) also calls
     *                    {@code onConnectionFailure}: the pool's server must be the primary, and is no more
     */
    public static ManagedPool start(DatabaseConfig config, DriverSettings settings, long generation,
                                    Runnable onConnectionFailure, WarmConnection first, boolean primaryOnly) {
        return start(config, settings, "pgkeeper-" + config.name() + "-" + generation, generation, onConnectionFailure,
                first, primaryOnly);
    }

    /**
     * Starts a pool named {@code poolName} (which also prefixes HikariCP's thread names), as
     * {@link #start(DatabaseConfig, DriverSettings, long, Runnable, WarmConnection, boolean)} does.
     */
    public static ManagedPool start(DatabaseConfig config, DriverSettings settings, String poolName, long generation,
                                    Runnable onConnectionFailure, WarmConnection first, boolean primaryOnly) {
        return start(config, settings, poolName, generation, onConnectionFailure, first, primaryOnly, null);
    }

    /**
     * Starts a pool as {@link #start(DatabaseConfig, DriverSettings, String, long, Runnable, WarmConnection, boolean)}
     * does, reporting to {@code metrics} (HikariCP's {@code MetricsTrackerFactory}) when it is not {@code null}.
     */
    public static ManagedPool start(DatabaseConfig config, DriverSettings settings, String poolName, long generation,
                                    Runnable onConnectionFailure, WarmConnection first, boolean primaryOnly,
                                    MetricsTrackerFactory metrics) {
        HikariConfig hc = new HikariConfig();
        if (metrics != null) {
            hc.setMetricsTrackerFactory(metrics);
        }
        hc.setPoolName(poolName);
        hc.setDataSource(new PgDataSource(settings.jdbcUrl(), settings.poolProperties(), onConnectionFailure, first));
        hc.setCredentialsProvider(new PoolCredentials(settings.credentials(), onConnectionFailure));
        hc.setMaximumPoolSize(config.poolSize());
        hc.setMinimumIdle(config.poolMinIdle());
        hc.setConnectionTimeout(config.connectionTimeout().toMillis());
        // HikariCP warns that an idle timeout is useless when every connection is kept; do not set one then.
        hc.setIdleTimeout(config.poolMinIdle() < config.poolSize() ? config.idleTimeout().toMillis() : 0);
        hc.setValidationTimeout(validationTimeoutMillis(config));
        hc.setInitializationFailTimeout(-1);
        hc.setRegisterMbeans(false);
        hc.setExceptionOverride(new ConnectionFailureObserver(onConnectionFailure, primaryOnly));
        try {
            hc.validate();
            return new ManagedPool(new HikariPool(hc), hc, generation, first, settings.singleHostOrNull());
        } catch (RuntimeException e) {
            first.close();
            throw e;
        }
    }

    /**
     * How long HikariCP may spend validating an idle connection on a borrow. HikariCP does not count that
     * time against the borrow's timeout, so the lender keeps this much of every deadline in reserve; a
     * quarter of the shorter of the connection and probe timeouts, at least HikariCP's floor of 250 ms.
     */
    public static long validationTimeoutMillis(DatabaseConfig config) {
        return Math.max(250, Math.min(config.probeTimeout().toMillis(), config.connectionTimeout().toMillis()) / 4);
    }

    /** The one host this pool connects to, or {@code null} when its URL names several. */
    public HostPort host() {
        return host;
    }

    /** Which pool this is, counting from 1 for the manager's first. */
    public long generation() {
        return generation;
    }

    /** The pool name, {@code pgkeeper-<name>-<generation>}, which also prefixes HikariCP's thread names. */
    public String name() {
        return hikariConfig.getPoolName();
    }

    /**
     * Borrows a connection, returning within {@code timeoutMillis}: HikariCP waits for one at most that long
     * minus the validation reserve, and a connection it validates on the way takes at most the reserve.
     *
     * @throws ReleasedException when the pool was retired before or while waiting
     * @throws SQLException      HikariCP's {@code SQLTransientConnectionException} when none came in time
     */
    public Connection borrow(long timeoutMillis) throws SQLException {
        long wait = timeoutMillis - validationTimeoutMillis;
        if (wait <= 0) {
            // No SQLState: this says nothing about the server, so it must not start a loss check.
            throw new SQLTransientConnectionException(name() + " - Connection is not available, request timed out:"
                    + " " + Math.max(0, timeoutMillis) + " ms left, " + validationTimeoutMillis
                    + " ms are needed to validate one");
        }
        Waiters.Ticket ticket = waiters.enter();
        if (ticket == null) {
            throw new ReleasedException(name());
        }
        Connection c = null;
        SQLException failure = null;
        try {
            c = pool.getConnection(wait);
        } catch (SQLException e) {
            failure = e;
        } finally {
            if (ticket.leave()) {
                closeQuietly(c);
                throw new ReleasedException(name());
            }
        }
        if (failure != null) {
            throw failure;
        }
        lastLentAt = System.nanoTime();
        return c;
    }

    /**
     * Whether a connection was lent at or after {@code nanoTime}: connections come back and go out again, so
     * the network carries the pool's traffic, however slowly.
     */
    public boolean lentSince(long nanoTime) {
        return lastLentAt - nanoTime >= 0;
    }

    /**
     * Whether the pool's last login timed out: a call that got no connection in time then says the server is slow,
     * not that it is gone, even though HikariCP's timeout carries that login's connection-class SQLState.
     */
    public boolean loginsTimingOut() {
        return dataSource.loginsTimingOut();
    }

    /** The pool's numbers now. */
    public PoolStats stats() {
        return new PoolStats(pool.getActiveConnections(), pool.getIdleConnections(), pool.getTotalConnections(),
                pool.getThreadsAwaitingConnection(), hikariConfig.getMaximumPoolSize());
    }

    /**
     * Takes the pool out of service: threads waiting in it are released at once and new ones are turned away
     * ({@link ReleasedException}), it keeps no idle connections any more, closes the idle ones now and the
     * lent ones when they come back. Lent connections keep working. Idempotent.
     */
    public void retire() {
        waiters.releaseAll();
        synchronized (this) {
            retired = true;
            hikariConfig.setMinimumIdle(0); // one of the setters HikariCP allows on a running pool (HikariConfigMXBean)
        }
        pool.softEvictConnections();
    }

    /**
     * Sets how many idle connections the pool keeps, at most the configured number; when that is more than it
     * had, HikariCP's adder thread opens the missing ones now, one login at a time. Calls that find no idle
     * connection never wait for this: HikariCP opens connections for them as always. Does nothing once the pool
     * is retired.
     *
     * @param minIdle the number of idle connections to keep
     */
    public synchronized void keepIdle(int minIdle) {
        if (retired) {
            return;
        }
        int keep = Math.min(minIdle, hikariConfig.getMaximumPoolSize());
        hikariConfig.setMinimumIdle(keep);
        // HikariCP's refill, as its housekeeper does it: one task per missing connection for its single adder
        // thread, each opening a connection while idle ones are still too few. addBagItem(n) queues a task while
        // fewer than n wait in the queue, so asking with 1, 2, 3, ... queues one each time.
        int missing = Math.min(hikariConfig.getMaximumPoolSize() - pool.getTotalConnections(),
                keep - pool.getIdleConnections());
        for (int i = 1; i <= missing; i++) {
            pool.addBagItem(i);
        }
    }

    /**
     * Marks every connection as evicted: idle ones are closed now, lent ones when they come back; none is
     * aborted. For a server that restarted: connections opened before it are dead, and HikariCP skips
     * validation for connections used within the last half second.
     */
    public void evictConnections() {
        pool.softEvictConnections();
    }


    /** Whether nothing is lent out and nobody waits: closing now interrupts no one. */
    public boolean isQuiet() {
        return pool.getActiveConnections() == 0 && waiters.count() == 0 && pool.getThreadsAwaitingConnection() == 0;
    }

    /**
     * Shuts the pool down, releasing waiters and aborting lent connections. May block for seconds when the
     * network hangs (HikariCP waits for its connection adder up to the login timeout), so callers run it off
     * their path. May be called again after an interrupt to finish the shutdown.
     */
    public void close() throws InterruptedException {
        waiters.releaseAll();
        first.close();
        pool.shutdown();
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            // back to a retired pool, which closes it; nothing the caller can act on
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
