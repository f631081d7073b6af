package dev.pgkeeper;

/**
 * Where a {@link ConnectionManager} stands in its life cycle.
 */
public enum ConnectionPhase {
    /** {@code initializeConnection()} has not been called yet. */
    NOT_INITIALIZED,
    /** The first connection attempts (with retries and backoff) are under way. */
    CONNECTING,
    /** The last attempt or probe reached the server; the pool serves connections. */
    CONNECTED,
    /**
     * The server is unreachable: calls fail fast, and when calls arrive a short probe runs on a schedule that
     * starts every {@code DB_PROBE_INTERVAL} and backs off to {@code DB_PROBE_MAX_INTERVAL} (see
     * {@link DatabaseConfig#probeInterval()}); the reconnect loop tries every {@code DB_RECONNECT_INTERVAL}.
     */
    RECONNECTING,
    /**
     * The last attempt failed with a permanent error (wrong password, missing database, SSL): calls fail
     * fast with it and do not probe, {@code initializeConnection()} did not retry, and only the reconnect
     * loop tries again every {@code DB_RECONNECT_INTERVAL}, in case someone fixes the cause.
     */
    FAILED,
    /** {@code disconnect()} was called; {@code initializeConnection()} starts again. */
    DISCONNECTED
}
