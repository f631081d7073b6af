package dev.pgkeeper.internal.pool;

import dev.pgkeeper.DatabaseCredentials;
import dev.pgkeeper.internal.config.CredentialSource;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Opens pgjdbc connections for a pool: the URL without credentials, properties that carry the timeouts, and the
 * user and password HikariCP asks its credentials provider for at each new connection
 * ({@link #getConnection(String, String)}). It also tells the manager when the pool's own connection attempts fail
 * at the network level (refused, reset, the server shutting down; not a login that timed out) or are refused
 * (28P01, 28000, 3D000), so that an outage or a changed password is noticed even when no application call has failed yet
 * (HikariCP would otherwise retry quietly with backoff). The first connection it hands out may be the one the
 * probe that led to this pool opened, so that recovering from an outage costs one login, not two.
 *
 * <p>Thread-safe.
 */
final class PgDataSource implements DataSource {

    static final Driver DRIVER = new org.postgresql.Driver();
    /** How much sooner than pgjdbc's login timeout a failed attempt still counts as timed out. */
    private static final long TIMEOUT_SLACK_MILLIS = 100;

    private final String jdbcUrl;
    private final Properties properties;
    private final Runnable onConnectionFailure;
    private final WarmConnection first;
    /** pgjdbc's own login timeout from the properties, in milliseconds; 0 for none. */
    private final long loginTimeoutMillis;
    private volatile int loginTimeoutSeconds;
    private volatile boolean loginsTimingOut;

    /** @param first a connection a probe just proved, handed out by the first {@link #getConnection()} */
    PgDataSource(String jdbcUrl, Properties properties, Runnable onConnectionFailure, WarmConnection first) {
        this.jdbcUrl = jdbcUrl;
        this.properties = properties;
        this.onConnectionFailure = onConnectionFailure;
        this.first = first;
        this.loginTimeoutMillis = millis(properties.getProperty("loginTimeout"));
    }

    /** pgjdbc's {@code loginTimeout} is in seconds, fractions allowed. */
    private static long millis(String seconds) {
        try {
            return seconds == null ? 0 : Math.max(0, new BigDecimal(seconds.trim()).movePointRight(3).longValue());
        } catch (NumberFormatException | ArithmeticException e) {
            return 0; // pgjdbc refuses such a value itself when it connects
        }
    }

    /**
     * A connection with the properties alone, which hold no credentials: the pool always goes through
     * {@link #getConnection(String, String)}, because its credentials provider always names a user.
     */
    @Override
    public Connection getConnection() throws SQLException {
        return connect(properties);
    }

    /**
     * A connection logging in as {@code username} with {@code password}, which HikariCP's credentials provider gave
     * for this connection (an empty user or password is left to pgjdbc's defaults).
     */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        Properties withCredentials = new Properties();
        withCredentials.putAll(properties);
        CredentialSource.apply(withCredentials, new DatabaseCredentials(username, password == null ? "" : password));
        return connect(withCredentials);
    }

    private Connection connect(Properties connectionProperties) throws SQLException {
        Connection warm = first.take();
        if (warm != null) {
            return warm;
        }
        long start = System.nanoTime();
        try {
            Connection c = DRIVER.connect(jdbcUrl, connectionProperties);
            if (c == null) {
                throw new SQLException("pgjdbc did not accept the URL " + jdbcUrl);
            }
            loginsTimingOut = false;
            return c;
        } catch (SQLException e) {
            boolean timedOut = ConnectionFailureObserver.timedOut(e) || loginTimeoutMillis > 0
                    && System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(loginTimeoutMillis - TIMEOUT_SLACK_MILLIS);
            loginsTimingOut = timedOut;
            if (!timedOut && (ConnectionFailureObserver.isConnectionFailure(e.getSQLState()) || cannotLogIn(e))) {
                onConnectionFailure.run();
            }
            throw e;
        }
    }

    /**
     * Whether the last login this data source attempted timed out. A login that times out says the server is slow
     * (a fleet of instances logging in at once queues behind its postmaster) at least as often as that it is
     * gone, so it is not reported as a connection failure: the pool's connections that still serve, or calls
     * that time out waiting for one, decide (see the watcher). Reporting it made every instance of a fleet whose
     * logins queued give up its working pool and log in again. pgjdbc reports a login timeout without a cause
     * ("Connection attempt timed out."), so the time the attempt took is what tells.
     */
    boolean loginsTimingOut() {
        return loginsTimingOut;
    }

    /** Whether the server refused the login: a wrong password (28P01) or no pg_hba.conf rule that admits us (28000). */
    static boolean isRefusal(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.startsWith("28");
    }

    /**
     * Whether no login can succeed as things stand: refused ({@link #isRefusal}), or the database is gone (3D000).
     * Reported as the pool's attempts fail, so that the manager finds out at once rather than after the calls
     * waiting for a connection have timed out.
     */
    private static boolean cannotLogIn(SQLException e) {
        return isRefusal(e) || "3D000".equals(e.getSQLState());
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
