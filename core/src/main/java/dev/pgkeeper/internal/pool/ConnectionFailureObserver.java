package dev.pgkeeper.internal.pool;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.net.SocketTimeoutException;
import java.sql.SQLException;

/**
 * Hooks into HikariCP's eviction decision, which sees every SQLException raised on a pooled connection,
 * to notice a lost server at the first failed operation. It never changes HikariCP's decision.
 *
 * <p>Runs on application threads for every SQLException, so it only compares the SQLState. Thread-safe.
 */
public final class ConnectionFailureObserver implements SQLExceptionOverride {

    private final Runnable onConnectionFailure;
    private final boolean readOnlyIsFailure;

    /**
     * @param onConnectionFailure called, possibly many times at once, when a connection-level failure is seen
     * @param readOnlyIsFailure   whether a write refused by a read-only server (25006) counts too: for a pool
     *                            that must reach the primary, it means the server was demoted
     */
    public ConnectionFailureObserver(Runnable onConnectionFailure, boolean readOnlyIsFailure) {
        this.onConnectionFailure = onConnectionFailure;
        this.readOnlyIsFailure = readOnlyIsFailure;
    }

    @java.lang.Override
    public Override adjudicate(SQLException e) {
        if (isConnectionFailure(e.getSQLState()) || readOnlyIsFailure && "25006".equals(e.getSQLState())) {
            onConnectionFailure.run();
        }
        return Override.CONTINUE_EVICT;
    }

    /**
     * Whether a SQLState says the connection or the server is gone: class 08 (connection exception) or
     * 57P01–57P03 (server shutting down, crashed, starting).
     */
    public static boolean isConnectionFailure(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || sqlState.equals("57P01")
                || sqlState.equals("57P02") || sqlState.equals("57P03"));
    }

    /** Whether a socket timeout is among the causes of {@code e}: the server (or the network) did not answer in time. */
    static boolean timedOut(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
