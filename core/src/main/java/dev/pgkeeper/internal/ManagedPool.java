package dev.pgkeeper.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.pool.HikariPool;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.PoolStats;
import dev.pgkeeper.internal.config.DriverSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * One generation of the HikariCP pool behind a manager's stable DataSource. The manager replaces its pool
 * after an outage or a server restart, instead of waiting for HikariCP's connection adder to back off and
 * recover, and retires the old one ({@link #retire()}).
 *
 * <p>This wraps {@link HikariPool} itself rather than {@code HikariDataSource}, which is the usual entry
 * point, for two reasons: a per-call borrow timeout ({@link #borrow(long)}), which bounded checks need, and
 * a {@link #close()} that can be called again to finish a shutdown an interrupt cut short
 * ({@code HikariDataSource.close()} runs only once and leaves HikariCP's housekeeper thread alive then).
 * The configuration is validated exactly as {@code HikariDataSource} does it.
 *
 * <p>Thread-safe.
 */
public final class ManagedPool {

    private final HikariPool pool;
    private final HikariConfig hikariConfig;
    private final long generation;
    private final int maxSize;
    private final WarmConnection first;
    private volatile boolean closed;

    private ManagedPool(HikariPool pool, HikariConfig hikariConfig, long generation, WarmConnection first) {
        this.pool = pool;
        this.hikariConfig = hikariConfig;
        this.generation = generation;
        this.maxSize = hikariConfig.getMaximumPoolSize();
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
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("pgkeeper-" + config.name() + "-" + generation);
        hc.setDataSource(new PgDataSource(settings.jdbcUrl(), settings.poolProperties(), onConnectionFailure, first));
        hc.setMaximumPoolSize(config.poolSize());
        hc.setMinimumIdle(config.poolMinIdle());
        hc.setConnectionTimeout(config.connectionTimeout().toMillis());
        // HikariCP warns that an idle timeout is useless when every connection is kept; do not set one then.
        hc.setIdleTimeout(config.poolMinIdle() < config.poolSize() ? config.idleTimeout().toMillis() : 0);
        // HikariCP does not clamp validation to the connection timeout; a borrow that validates a dead
        // connection must still leave time to open a new one.
        hc.setValidationTimeout(Math.max(250, Math.min(config.probeTimeout().toMillis(),
                config.connectionTimeout().toMillis() / 2)));
        hc.setInitializationFailTimeout(-1);
        hc.setRegisterMbeans(false);
        hc.setExceptionOverride(new ConnectionFailureObserver(onConnectionFailure));
        try {
            hc.validate();
            return new ManagedPool(new HikariPool(hc), hc, generation, first);
        } catch (RuntimeException e) {
            first.close();
            throw e;
        }
    }

    /** Which pool this is, counting from 1 for the manager's first. */
    public long generation() {
        return generation;
    }

    /** The pool name, {@code pgkeeper-<name>-<generation>}, which also prefixes HikariCP's thread names. */
    public String name() {
        return hikariConfig.getPoolName();
    }

    /** Borrows a connection, waiting at most the connection timeout. */
    public Connection borrow() throws SQLException {
        return borrow(hikariConfig.getConnectionTimeout());
    }

    /**
     * Borrows a connection, waiting at most {@code timeoutMillis}.
     *
     * @throws SQLException HikariCP's {@code SQLTransientConnectionException} when none came in time, or
     *                      one saying the pool is closed
     */
    public Connection borrow(long timeoutMillis) throws SQLException {
        if (closed) {
            throw new SQLTransientConnectionException(name() + " has been closed");
        }
        return pool.getConnection(timeoutMillis);
    }

    /** The pool's numbers now. */
    public PoolStats stats() {
        return new PoolStats(pool.getActiveConnections(), pool.getIdleConnections(), pool.getTotalConnections(),
                pool.getThreadsAwaitingConnection(), maxSize);
    }

    /**
     * Takes the pool out of service: it keeps no idle connections any more, closes the idle ones now and the
     * lent ones when they come back. Threads already waiting in it are still served.
     */
    public void retire() {
        hikariConfig.setMinimumIdle(0);
        pool.softEvictConnections();
    }

    /** Whether nothing is lent out and nobody waits: closing now interrupts no one. */
    public boolean isQuiet() {
        return pool.getActiveConnections() == 0 && pool.getThreadsAwaitingConnection() == 0;
    }

    /**
     * Shuts the pool down, aborting lent connections. May block for seconds when the network hangs
     * (HikariCP waits for its connection adder up to the login timeout), so callers run it off their path.
     * May be called again after an interrupt to finish the shutdown.
     */
    public void close() throws InterruptedException {
        closed = true;
        first.close();
        pool.shutdown();
    }

    @Override
    public String toString() {
        return name();
    }
}
