package dev.pgkeeper.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.SQLExceptionOverride;
import com.zaxxer.hikari.pool.HikariPool;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.PoolStats;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * One generation of the HikariCP pool behind a manager's stable DataSource. A manager replaces its pool
 * after an outage or a server restart instead of waiting for HikariCP's connection adder to back off and
 * recover, and retires the old one: no new idle connections, idle ones closed now, lent ones closed when
 * returned.
 *
 * <p>The pool is built directly on {@link HikariPool} rather than {@code HikariDataSource} so that a
 * borrower can wait in short slices ({@link #borrow(long)}) and give up as soon as the manager learns
 * that the server is gone, instead of sitting out the whole connection timeout.
 *
 * <p>Thread-safe.
 */
public final class ManagedPool {

    private final HikariPool pool;
    private final HikariConfig hikariConfig;
    private final long generation;
    private final int maxSize;

    private ManagedPool(HikariPool pool, HikariConfig hikariConfig, long generation) {
        this.pool = pool;
        this.hikariConfig = hikariConfig;
        this.generation = generation;
        this.maxSize = hikariConfig.getMaximumPoolSize();
    }

    /**
     * Starts a pool. It opens no connection before the first borrow or the first housekeeping run, so
     * building it never blocks on the network.
     *
     * @param observer sees every SQLException raised on a pooled connection (HikariCP's eviction hook);
     *                 it must be cheap and must not throw
     */
    public static ManagedPool start(DatabaseConfig config, DriverSettings settings, long generation,
                                    SQLExceptionOverride observer) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("pgkeeper-" + config.name() + "-" + generation);
        hc.setDriverClassName("org.postgresql.Driver");
        hc.setJdbcUrl(settings.jdbcUrl());
        if (settings.user() != null) {
            hc.setUsername(settings.user());
        }
        if (settings.password() != null) {
            hc.setPassword(settings.password());
        }
        hc.setDataSourceProperties(settings.poolProperties());
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
        hc.setExceptionOverride(observer);
        hc.validate();
        return new ManagedPool(new HikariPool(hc), hc, generation);
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
     * Borrows a connection, waiting at most {@code timeoutMillis}.
     *
     * @throws SQLException HikariCP's timeout ({@code SQLTransientConnectionException}) when none came in time
     */
    public Connection borrow(long timeoutMillis) throws SQLException {
        return pool.getConnection(timeoutMillis);
    }

    /** The pool's numbers now. */
    public PoolStats stats() {
        return new PoolStats(pool.getActiveConnections(), pool.getIdleConnections(), pool.getTotalConnections(),
                pool.getThreadsAwaitingConnection(), maxSize);
    }

    /** Stops keeping idle connections and evicts every connection: idle ones now, lent ones on return. */
    public void retire() {
        hikariConfig.setMinimumIdle(0);
        pool.softEvictConnections();
    }

    /** Whether no connection is lent out. */
    public boolean isQuiet() {
        return pool.getActiveConnections() == 0;
    }

    /**
     * Shuts the pool down, aborting lent connections; may block for several seconds when the network
     * hangs, so callers bound it.
     */
    public void close() throws InterruptedException {
        pool.shutdown();
    }

    /** Time borrowers waited in total before the pool gave up, as configured. */
    public Duration connectionTimeout() {
        return Duration.ofMillis(hikariConfig.getConnectionTimeout());
    }

    @Override
    public String toString() {
        return name();
    }
}
