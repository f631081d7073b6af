package dev.pgkeeper.internal;

import dev.pgkeeper.ConnectionPhase;
import dev.pgkeeper.DatabaseError;
import java.time.Instant;

/**
 * Everything a manager knows about its connection, as one immutable snapshot that is replaced
 * atomically, so no reader ever sees it half-updated.
 *
 * @param phase           where the manager stands
 * @param session         increases with every start from NOT_INITIALIZED or DISCONNECTED; work begun in an
 *                        older session must not touch the state of a newer one
 * @param pool            the pool serving connections, present exactly when CONNECTED
 * @param lastConnectedAt when the last successful connection was made, or {@code null}
 * @param lastError       the last failure since the last success, or {@code null}
 * @param retryCount      failed attempts since the last success
 * @param serverStartedAt {@code pg_postmaster_start_time()} seen when {@code pool} was built, or {@code null}
 */
public record ConnectionState(ConnectionPhase phase, long session, ManagedPool pool, Instant lastConnectedAt,
                              DatabaseError lastError, int retryCount, Instant serverStartedAt) {

    /** The state of a new manager. */
    public static ConnectionState initial() {
        return new ConnectionState(ConnectionPhase.NOT_INITIALIZED, 0, null, null, null, 0, null);
    }

    /** The pool's generation, or 0 without a pool. */
    public long generation() {
        return pool == null ? 0 : pool.generation();
    }

    /** Whether the manager wants a connection it does not have: CONNECTING, RECONNECTING or FAILED. */
    public boolean awaitsConnection() {
        return phase == ConnectionPhase.CONNECTING || phase == ConnectionPhase.RECONNECTING
                || phase == ConnectionPhase.FAILED;
    }

    /**
     * Whether a call may probe the server on its own thread: only while the last failure was temporary
     * (CONNECTING or RECONNECTING), so a wrong password is not tried at the rate calls arrive.
     */
    public boolean invitesProbes() {
        return phase == ConnectionPhase.CONNECTING || phase == ConnectionPhase.RECONNECTING;
    }

    /** Down after a failed attempt: RECONNECTING for a temporary failure, FAILED for a permanent one. */
    public ConnectionState down(DatabaseError error) {
        return error.isTemporary() ? reconnecting(error) : failed(error);
    }

    /** Starts connecting in {@code newSession}, keeping the history of the last connection. */
    public ConnectionState connecting(long newSession) {
        return new ConnectionState(ConnectionPhase.CONNECTING, newSession, null, lastConnectedAt, lastError,
                retryCount, null);
    }

    /** Connected through {@code newPool}; clears the error and the retry count. */
    public ConnectionState connected(ManagedPool newPool, Instant now, Instant startedAt) {
        return new ConnectionState(ConnectionPhase.CONNECTED, session, newPool, now, null, 0, startedAt);
    }

    /** One more failed attempt. */
    public ConnectionState attemptFailed(DatabaseError error) {
        return new ConnectionState(phase, session, pool, lastConnectedAt, error, retryCount + 1, serverStartedAt);
    }

    /** Unreachable: no pool, the reconnect loop runs. */
    public ConnectionState reconnecting(DatabaseError error) {
        return new ConnectionState(ConnectionPhase.RECONNECTING, session, null, lastConnectedAt, error,
                retryCount, null);
    }

    /** A permanent failure: no probes from calls, only the reconnect loop tries again. */
    public ConnectionState failed(DatabaseError error) {
        return new ConnectionState(ConnectionPhase.FAILED, session, null, lastConnectedAt, error, retryCount, null);
    }

    /** Disconnected on request. */
    public ConnectionState disconnected() {
        return new ConnectionState(ConnectionPhase.DISCONNECTED, session, null, lastConnectedAt, lastError,
                retryCount, null);
    }
}
