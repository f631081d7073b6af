package dev.pgkeeper.internal.lifecycle;

import dev.pgkeeper.ConnectionPhase;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.internal.errors.ConnectionTarget;
import dev.pgkeeper.internal.pool.ConnectionFailureObserver;
import dev.pgkeeper.internal.pool.ManagedPool;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Lends connections for the manager's DataSource, with one deadline per call that no path extends: at most
 * the asked timeout, never more than {@code DB_CONNECTION_TIMEOUT}.
 * <ul>
 *   <li>CONNECTED: borrows from the current pool. When that pool is retired while the call waits (the
 *       connection was lost, or {@code reconnect()} replaced it), the call is released at once and looks
 *       again: it fails fast when the server is down, or borrows from the new pool with the time left.</li>
 *   <li>CONNECTING or RECONNECTING: the call joins the probe in flight, or starts one (see
 *       {@link Watcher#awaitRecovery}), and borrows if that probe connected the manager; otherwise it fails
 *       fast with a temporary error.</li>
 *   <li>FAILED: fails fast with the permanent error. After a refused login, a call may first try a login again
 *       when the password file changed or a retry is due (see {@link Watcher#awaitNewCredentials}); otherwise
 *       only the reconnect loop probes.</li>
 *   <li>NOT_INITIALIZED, DISCONNECTED: fails with NOT_INITIALIZED.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class Lender implements ManagedDataSource.ConnectionSource {

    private final StateMachine machine;
    private final Watcher watcher;
    private final ConnectionTarget target;
    private final String managerName;
    private final long connectionTimeoutMillis;

    /** @param connectionTimeoutMillis the longest any call waits */
    public Lender(StateMachine machine, Watcher watcher, ConnectionTarget target, String managerName,
                  long connectionTimeoutMillis) {
        this.machine = machine;
        this.watcher = watcher;
        this.target = target;
        this.managerName = managerName;
        this.connectionTimeoutMillis = connectionTimeoutMillis;
    }

    @Override
    public Connection borrow(long timeoutMillis) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(timeoutMillis, connectionTimeoutMillis));
        while (true) {
            ConnectionState s = machine.current();
            switch (s.phase()) {
                case CONNECTED -> {
                    try {
                        return s.pool().borrow(TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                    } catch (ManagedPool.ReleasedException e) {
                        continue; // the state moved on while we waited: look again
                    } catch (SQLException e) {
                        // A connection-level failure: the watcher asks the server, and an unanswered probe
                        // means the connection is lost. No connection in time (all of them may hang on a
                        // silent network, or merely be busy, or the server is slow to take logins): the watcher
                        // asks too, and lets the pool's own progress decide what an unanswered probe means.
                        if (ConnectionFailureObserver.isConnectionFailure(e.getSQLState()) && !s.pool().loginsTimingOut()) {
                            watcher.suspect(s.generation());
                        } else if (e instanceof SQLTransientConnectionException) {
                            watcher.check(s.generation());
                        }
                        throw e;
                    }
                }
                case CONNECTING, RECONNECTING -> {
                    if (watcher.awaitRecovery(s, deadline)) {
                        continue;
                    }
                    throw unavailable(machine.current());
                }
                case FAILED -> {
                    if (watcher.awaitNewCredentials(s, deadline)) {
                        continue;
                    }
                    throw unavailable(machine.current());
                }
                default -> throw unusable(s);
            }
        }
    }

    private SQLException unavailable(ConnectionState s) {
        if (s.isIdle()) {
            return unusable(s);
        }
        DatabaseError last = s.lastError();
        DatabaseError error = last == null
                ? new DatabaseError(ErrorCode.NETWORK_ERROR, "PostgreSQL at " + target.hosts()
                        + " is not connected yet: the first connection attempt is under way",
                        List.of("Wait for initializeConnection() to finish"), Map.of(), null)
                : new DatabaseError(last.code(), "PostgreSQL at " + target.hosts()
                        + " is unavailable, failing fast instead of waiting (" + last.getMessage() + ")",
                        last.troubleshootingSteps(), last.context(), last.getCause());
        String sqlState = error.sqlState() != null ? error.sqlState() : "08001";
        return error.isTemporary()
                ? new SQLTransientConnectionException(error.getMessage(), sqlState, error)
                : new SQLNonTransientConnectionException(error.getMessage(), sqlState, error);
    }

    private SQLException unusable(ConnectionState s) {
        DatabaseError error = s.phase() == ConnectionPhase.DISCONNECTED
                ? disconnectedError(managerName) : notInitializedError(managerName);
        return new SQLNonTransientConnectionException(error.getMessage(), "08003", error);
    }

    /** Why a manager that was never initialized refuses. */
    public static DatabaseError notInitializedError(String managerName) {
        return new DatabaseError(ErrorCode.NOT_INITIALIZED, "ConnectionManager '" + managerName
                + "' is not initialized: call initializeConnection() before using the database",
                List.of("Call ConnectionManager.initializeConnection() once at application start, before building "
                        + "repositories or handing out dataSource()"), Map.of(), null);
    }

    /** Why a disconnected manager refuses. */
    public static DatabaseError disconnectedError(String managerName) {
        return new DatabaseError(ErrorCode.NOT_INITIALIZED, "ConnectionManager '" + managerName
                + "' was disconnected: call initializeConnection() to connect again",
                List.of("Call initializeConnection() again, or stop using the database after disconnect()"),
                Map.of(), null);
    }
}
