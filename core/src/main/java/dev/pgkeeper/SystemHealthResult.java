package dev.pgkeeper;

import java.time.Instant;
import java.util.Objects;

/**
 * The health of the process: the database check plus facts about the JVM, as returned by
 * {@link ConnectionManager#checkSystemHealth()}. Holds no password.
 *
 * @param status           UP exactly when the database is UP
 * @param database         the database check
 * @param uptimeMillis     JVM uptime in milliseconds
 * @param heapUsedBytes    heap in use
 * @param heapCommittedBytes heap committed by the JVM
 * @param heapMaxBytes     maximum heap, or -1 when undefined
 * @param timestamp        when this result was assembled
 */
public record SystemHealthResult(HealthStatus status, DatabaseHealthResult database, long uptimeMillis,
                                 long heapUsedBytes, long heapCommittedBytes, long heapMaxBytes, Instant timestamp) {

    /**
     * @param status UP exactly when the database is UP
     * @param database the database check
     * @param uptimeMillis JVM uptime in milliseconds
     * @param heapUsedBytes heap in use
     * @param heapCommittedBytes heap committed by the JVM
     * @param heapMaxBytes maximum heap, or -1 when undefined
     * @param timestamp when this result was assembled
     * @throws NullPointerException if {@code status}, {@code database} or {@code timestamp} is {@code null}
     */
    public SystemHealthResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
