package dev.pgkeeper.internal.lifecycle;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The one DataSource a manager hands out for its whole life. It holds no pool of its own: every
 * {@link #getConnection()} asks the manager, which lends from whichever pool is current, so replacing
 * the pool never invalidates this object or anything built on it (a MyBatis factory, Flyway, a
 * repository).
 *
 * <p>Thread-safe.
 */
public final class ManagedDataSource implements DataSource {

    /** Where connections come from. */
    @FunctionalInterface
    public interface ConnectionSource {
        /**
         * Lends a connection from the current pool, waiting at most {@code timeoutMillis} for one, or fails
         * fast when there is no pool.
         */
        Connection borrow(long timeoutMillis) throws SQLException;
    }

    private final ConnectionSource source;
    private final String description;
    private final long connectionTimeoutMillis;
    private final BorrowObservers observers;
    private final boolean reads;

    /**
     * @param source                  lends connections
     * @param description             sanitized description for {@link #toString()}
     * @param connectionTimeoutMillis longest wait for a connection
     */
    public ManagedDataSource(ConnectionSource source, String description, long connectionTimeoutMillis) {
        this(source, description, connectionTimeoutMillis, new BorrowObservers(e -> null), false);
    }

    /**
     * A DataSource whose every {@link #getConnection()} is reported to {@code observers}.
     *
     * @param reads whether this is the manager's DataSource for reads
     */
    public ManagedDataSource(ConnectionSource source, String description, long connectionTimeoutMillis,
                             BorrowObservers observers, boolean reads) {
        this.source = source;
        this.description = description;
        this.connectionTimeoutMillis = connectionTimeoutMillis;
        this.observers = observers;
        this.reads = reads;
    }

    /** Lends a connection from the current pool, waiting at most the connection timeout. */
    @Override
    public Connection getConnection() throws SQLException {
        if (observers.isEmpty()) {
            return source.borrow(connectionTimeoutMillis);
        }
        long start = System.nanoTime();
        Connection c;
        try {
            c = source.borrow(connectionTimeoutMillis);
        } catch (SQLException | RuntimeException e) {
            observers.failed(reads, System.nanoTime() - start, e);
            throw e;
        }
        observers.borrowed(reads, System.nanoTime() - start);
        return c;
    }

    /** Not supported: the credentials come from the configuration. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException(
                "pgkeeper's DataSource logs in with the credentials of DATABASE_URL; use getConnection()");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    /** Ignored, as HikariCP ignores it: pgkeeper logs through Log4j, pgjdbc through java.util.logging. */
    @Override
    public void setLogWriter(PrintWriter out) {
        // frameworks call this routinely; refusing it would break them for nothing
    }

    /** Ignored: the connection timeout is {@code DB_CONNECTION_TIMEOUT}. */
    @Override
    public void setLoginTimeout(int seconds) {
        // frameworks call this routinely; the configuration decides
    }

    /** The connection timeout in whole seconds, at least 1. */
    @Override
    public int getLoginTimeout() {
        return (int) Math.max(1, connectionTimeoutMillis / 1000);
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("pgkeeper logs through Log4j");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("pgkeeper's DataSource does not wrap a " + iface.getName()
                + "; the pool behind it changes on reconnect and is not exposed");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "pgkeeper DataSource[" + description + "]";
    }
}
