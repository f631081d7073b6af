package dev.pgkeeper.internal.pool;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Opens pgjdbc connections for a pool: the URL without credentials, and properties that carry the
 * password and the timeouts. It also tells the manager when the pool's own connection attempts fail
 * at the network level, so that an outage is noticed even when no application call has failed yet
 * (HikariCP would otherwise retry quietly with backoff). The first connection it hands out may be the one the
 * probe that led to this pool opened, so that recovering from an outage costs one login, not two.
 *
 * <p>Thread-safe.
 */
final class PgDataSource implements DataSource {

    static final Driver DRIVER = new org.postgresql.Driver();

    private final String jdbcUrl;
    private final Properties properties;
    private final Runnable onConnectionFailure;
    private final WarmConnection first;
    private volatile int loginTimeoutSeconds;

    /** @param first a connection a probe just proved, handed out by the first {@link #getConnection()} */
    PgDataSource(String jdbcUrl, Properties properties, Runnable onConnectionFailure, WarmConnection first) {
        this.jdbcUrl = jdbcUrl;
        this.properties = properties;
        this.onConnectionFailure = onConnectionFailure;
        this.first = first;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection warm = first.take();
        if (warm != null) {
            return warm;
        }
        try {
            Connection c = DRIVER.connect(jdbcUrl, properties);
            if (c == null) {
                throw new SQLException("pgjdbc did not accept the URL " + jdbcUrl);
            }
            return c;
        } catch (SQLException e) {
            if (ConnectionFailureObserver.isConnectionFailure(e.getSQLState())) {
                onConnectionFailure.run();
            }
            throw e;
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("credentials come from the configuration");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // pgjdbc logs through java.util.logging; nothing to set
    }

    /** HikariCP sets this; pgjdbc ignores it in favour of its own {@code loginTimeout} property, which is set. */
    @Override
    public void setLoginTimeout(int seconds) {
        loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "PgDataSource[" + jdbcUrl + "]";
    }
}
