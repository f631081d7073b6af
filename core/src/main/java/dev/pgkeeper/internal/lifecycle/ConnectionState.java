package dev.pgkeeper.internal.lifecycle;

import dev.pgkeeper.ConnectionPhase;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.internal.pool.ManagedPool;
import dev.pgkeeper.internal.pool.ServerIdentity;
import java.time.Instant;

/**
 * Everything a manager knows about its connection, as one immutable snapshot. Only the {@link StateMachine}
 * replaces it; everyone else reads it, so no reader ever sees it half-updated.
 *
 * @param phase           where the manager stands
 * @param session         the run from {@code initializeConnection()} to {@code disconnect()} this state
 *                        belongs to, {@code null} before the first; work begun in an older session must not
 *                        touch the state of a newer one
 * @param pool            the pool serving connections, present exactly when CONNECTED
 * @param server          the server the pool's probe reached (updated when that server restarts), present
 *                        exactly when CONNECTED
 * @param lastConnectedAt when the last successful connection was made, or {@code null}
 * @param lastError       the last failure since the last success, or {@code null}
 * @param retryCount      failed attempts since the last success
 */
public record ConnectionState(ConnectionPhase phase, Session session, ManagedPool pool, ServerIdentity server,
                              Instant lastConnectedAt, DatabaseError lastError, int retryCount) {

    /** The state of a new manager. */
    public static ConnectionState initial() {
        return new ConnectionState(ConnectionPhase.NOT_INITIALIZED, null, null, null, null, null, 0);
    }

    /** The pool's generation, or 0 without a pool. */
    public long generation() {
        return pool == null ? 0 : pool.generation();
    }

    /** NOT_INITIALIZED or DISCONNECTED: no session runs. */
    public boolean isIdle() {
        return phase == ConnectionPhase.NOT_INITIALIZED || phase == ConnectionPhase.DISCONNECTED;
    }

    /** Whether the manager wants a connection it does not have: CONNECTING, RECONNECTING or FAILED. */
    public boolean awaitsConnection() {
        return phase == ConnectionPhase.CONNECTING || phase == ConnectionPhase.RECONNECTING
                || phase == ConnectionPhase.FAILED;
    }


    /** Whether this state belongs to {@code s} and is in {@code phase}. */
    public boolean is(Session s, ConnectionPhase p) {
        return session == s && phase == p;
    }

    /** Starts connecting in {@code newSession}, keeping the history of the last connection. */
    ConnectionState connecting(Session newSession) {
        return new ConnectionState(ConnectionPhase.CONNECTING, newSession, null, null, lastConnectedAt, lastError,
                retryCount);
    }

    /** Connected through {@code newPool} to {@code newServer}; clears the error and the retry count. */
    ConnectionState connected(ManagedPool newPool, ServerIdentity newServer, Instant now) {
        return new ConnectionState(ConnectionPhase.CONNECTED, session, newPool, newServer, now, null, 0);
    }

    /** The same pool, whose server restarted. */
    ConnectionState restarted(ServerIdentity newServer) {
        return new ConnectionState(phase, session, pool, newServer, lastConnectedAt, lastError, retryCount);
    }

    /** One more failed attempt, the phase unchanged. */
    ConnectionState attemptFailed(DatabaseError error) {
        return new ConnectionState(phase, session, pool, server, lastConnectedAt, error, retryCount + 1);
    }

    /** Down after a failed attempt: RECONNECTING for a temporary failure, FAILED for a permanent one. */
    ConnectionState down(DatabaseError error) {
        return new ConnectionState(error.isTemporary() ? ConnectionPhase.RECONNECTING : ConnectionPhase.FAILED,
                session, null, null, lastConnectedAt, error, retryCount);
    }

    /** Disconnected on request. */
    ConnectionState disconnected() {
        return new ConnectionState(ConnectionPhase.DISCONNECTED, session, null, null, lastConnectedAt, lastError,
                retryCount);
    }
}
