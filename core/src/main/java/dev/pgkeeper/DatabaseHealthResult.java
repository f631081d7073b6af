package dev.pgkeeper;

import java.time.Instant;
import java.util.Objects;

/**
 * The result of {@link ConnectionManager#checkHealth()}. Holds no password.
 *
 * @param status        {@link HealthStatus#UP} when a query round trip succeeded in time
 * @param checkedAt     when the check started
 * @param latencyMillis round-trip time of the health query in milliseconds, or -1 when it did not complete
 * @param pool          the pool's numbers when the check ended
 * @param serverVersion the server's version string (e.g. {@code "18.1"}), or {@code null} when unknown
 * @param role          primary or standby, {@link ServerRole#UNKNOWN} when DOWN
 * @param errorCode     why the check failed, or {@code null} when UP
 * @param errorMessage  sanitized description of the failure, or {@code null} when UP
 */
public record DatabaseHealthResult(HealthStatus status, Instant checkedAt, long latencyMillis, PoolStats pool,
                                   String serverVersion, ServerRole role, ErrorCode errorCode, String errorMessage) {

    /**
     * @param status {@link HealthStatus#UP} when a query round trip succeeded in time
     * @param checkedAt when the check started
     * @param latencyMillis round-trip time of the health query in milliseconds, or -1 when it did not complete
     * @param pool the pool's numbers when the check ended
     * @param serverVersion the server's version string (e.g. {@code "18.1"}), or {@code null} when unknown
     * @param role primary or standby, {@link ServerRole#UNKNOWN} when DOWN
     * @param errorCode why the check failed, or {@code null} when UP
     * @param errorMessage sanitized description of the failure, or {@code null} when UP
     * @throws NullPointerException if {@code status}, {@code checkedAt}, {@code pool} or {@code role} is {@code null}
     */
    public DatabaseHealthResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(checkedAt, "checkedAt");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(role, "role");
    }

    /**
     * {@code true} when {@link #status()} is UP.
     *
     * @return {@code true} when the database is up
     */
    public boolean isUp() {
        return status == HealthStatus.UP;
    }
}
