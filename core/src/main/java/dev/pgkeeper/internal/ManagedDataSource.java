package dev.pgkeeper.internal;

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
        /** Lends a connection from the current pool, or fails fast when there is none. */
        Connection borrow() throws SQLException;
    }

    private final ConnectionSource source;
    private final String description;
    private final int loginTimeoutSeconds;

    /**
     * @param source              lends connections
     * @param description         sanitized description for {@link #toString()}
     * @param loginTimeoutSeconds reported by {@link #getLoginTimeout()}
     */
    public ManagedDataSource(ConnectionSource source, String description, int loginTimeoutSeconds) {
        this.source = source;
        this.description = description;
        this.loginTimeoutSeconds = loginTimeoutSeconds;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return source.borrow();
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

    /** Not supported: pgkeeper logs through Log4j. */
    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        throw new SQLFeatureNotSupportedException("pgkeeper logs through Log4j; configure logging there");
    }

    /** Not supported: set {@code DB_CONNECTION_TIMEOUT} instead. */
    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        throw new SQLFeatureNotSupportedException("set DB_CONNECTION_TIMEOUT to change the connection timeout");
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
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
