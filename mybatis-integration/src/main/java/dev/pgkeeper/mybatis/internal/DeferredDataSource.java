package dev.pgkeeper.mybatis.internal;

import dev.pgkeeper.ConnectionManager;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The manager's DataSource, looked up at each borrow, so a MyBatis factory can be built before the manager
 * is initialized (as dependency-injection wiring often does); until then borrowing fails with pgkeeper's
 * NOT_INITIALIZED error. While a thread runs a read-only transaction ({@link #readsOnThisThread}), its
 * connection comes from the manager's {@link ConnectionManager#readDataSource()}, which may be a standby.
 * Thread-safe.
 */
public final class DeferredDataSource implements DataSource {

    private final ConnectionManager manager;
    private final ThreadLocal<Boolean> reads = new ThreadLocal<>();

    public DeferredDataSource(ConnectionManager manager) {
        this.manager = manager;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return (reads.get() != null ? manager.readDataSource() : manager.dataSource()).getConnection();
    }

    /**
     * Whether connections borrowed on the calling thread from now on are for read-only work; {@code false}
     * again once that work is done.
     */
    public void readsOnThisThread(boolean readOnly) {
        if (readOnly) {
            reads.set(Boolean.TRUE);
        } else {
            reads.remove();
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("credentials come from the pgkeeper configuration");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // ignored, as by the manager's DataSource
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // ignored, as by the manager's DataSource
    }

    @Override
    public int getLoginTimeout() {
        return (int) Math.max(1, manager.config().connectionTimeout().toSeconds());
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
        return "DeferredDataSource[" + manager + "]";
    }
}
