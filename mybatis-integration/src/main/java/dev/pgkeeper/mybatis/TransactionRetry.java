package dev.pgkeeper.mybatis;

import dev.pgkeeper.DatabaseError;
import java.time.Duration;
import java.util.Objects;

/**
 * A transaction that failed on a conflict and is about to run again, as told to the listener of
 * {@link TransactionOptions#onRetry}.
 *
 * @param failedAttempt the attempt that failed, counting from 1
 * @param delay         the wait before the next attempt
 * @param error         why it failed: {@link dev.pgkeeper.ErrorCode#SERIALIZATION_FAILURE} or
 *                      {@link dev.pgkeeper.ErrorCode#DEADLOCK_DETECTED}
 */
public record TransactionRetry(int failedAttempt, Duration delay, DatabaseError error) {

    /**
     * @param failedAttempt the attempt that failed, counting from 1
     * @param delay the wait before the next attempt
     * @param error why it failed: {@link dev.pgkeeper.ErrorCode#SERIALIZATION_FAILURE} or
     *     {@link dev.pgkeeper.ErrorCode#DEADLOCK_DETECTED}
     * @throws NullPointerException if {@code delay} or {@code error} is {@code null}
     */
    public TransactionRetry {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(error, "error");
    }
}
