package dev.pgkeeper;

import java.time.Instant;

/**
 * A consistent snapshot of a {@link ConnectionManager}'s state, safe to log or expose: it holds no password.
 *
 * @param connected          {@code true} when {@link #phase()} is {@link ConnectionPhase#CONNECTED}
 * @param phase              where the manager stands
 * @param lastConnectedAt    when the last successful connection was made, or {@code null}
 * @param lastErrorCode      code of the last failure, or {@code null} after a success
 * @param lastErrorMessage   sanitized message of the last failure, or {@code null} after a success
 * @param retryCount         failed connection attempts since the last success
 * @param reconnectScheduled {@code true} while the manager is trying to connect by itself: CONNECTING (the
 *                           retry schedule of {@code initializeConnection()}), RECONNECTING or FAILED (the
 *                           reconnect loop); while connected the same loop only probes liveness
 * @param pool               the pool's numbers right now
 * @param url                the database URL in libpq form without its password
 */
public record ConnectionStatus(boolean connected, ConnectionPhase phase, Instant lastConnectedAt,
                               ErrorCode lastErrorCode, String lastErrorMessage, int retryCount,
                               boolean reconnectScheduled, PoolStats pool, String url) {
}
