package dev.pgkeeper.mybatis;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.ibatis.session.TransactionIsolationLevel;

/**
 * How {@link MyBatisClient#inTransaction(TransactionOptions, TransactionCallback)} runs a block: isolation
 * level, read-only, batching, and whether to run the whole block again when PostgreSQL reports a
 * serialization failure (40001) or a deadlock (40P01).
 *
 * <p>Retrying is opt-in because only the caller knows that the block is safe to repeat: it must have no
 * effects outside the database (no e-mail sent, no message published) or make them idempotent. Each attempt
 * is a transaction of its own, rolled back before the next, so nothing outside ever sees half of one.
 *
 * <p>Immutable and thread-safe: every method returns a new instance.
 */
public final class TransactionOptions {

    private static final TransactionOptions DEFAULTS =
            new TransactionOptions(null, false, false, 1, Duration.ofMillis(20), Duration.ofSeconds(1), r -> { });

    private final TransactionIsolationLevel isolation;
    private final boolean readOnly;
    private final boolean batch;
    private final int maxAttempts;
    private final Duration retryDelay;
    private final Duration maxRetryDelay;
    private final Consumer<TransactionRetry> retryListener;

    private TransactionOptions(TransactionIsolationLevel isolation, boolean readOnly, boolean batch, int maxAttempts,
                               Duration retryDelay, Duration maxRetryDelay, Consumer<TransactionRetry> retryListener) {
        this.isolation = isolation;
        this.readOnly = readOnly;
        this.batch = batch;
        this.maxAttempts = maxAttempts;
        this.retryDelay = retryDelay;
        this.maxRetryDelay = maxRetryDelay;
        this.retryListener = retryListener;
    }

    /**
     * The server's default isolation (READ COMMITTED), read-write, no batching, no retry.
     *
     * @return the default options
     */
    public static TransactionOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Runs the transaction at {@code level}, set with {@code SET TRANSACTION ISOLATION LEVEL} before its first
     * statement: it belongs to this transaction only, also behind PgBouncer in transaction pooling mode.
     *
     * @param level the isolation level
     * @return new options with that isolation level
     * @throws NullPointerException     if {@code level} is {@code null}
     * @throws IllegalArgumentException for {@code NONE} and {@code SQL_SERVER_SNAPSHOT}, which PostgreSQL lacks
     */
    public TransactionOptions isolation(TransactionIsolationLevel level) {
        Objects.requireNonNull(level, "level");
        if (level == TransactionIsolationLevel.NONE || level == TransactionIsolationLevel.SQL_SERVER_SNAPSHOT) {
            throw new IllegalArgumentException(level + " is not a PostgreSQL isolation level: use READ_COMMITTED, "
                    + "REPEATABLE_READ or SERIALIZABLE");
        }
        return new TransactionOptions(level, readOnly, batch, maxAttempts, retryDelay, maxRetryDelay, retryListener);
    }

    /**
     * Runs the transaction read-only: writes fail with {@link dev.pgkeeper.ErrorCode#READ_ONLY_TRANSACTION}. Its
     * connection comes from the manager's {@link dev.pgkeeper.ConnectionManager#readDataSource()}: a standby
     * within {@code DB_MAX_REPLICA_LAG} when there is one, else the primary. A standby may not show the latest
     * writes yet; read what you have just written in a read-write transaction.
     *
     * @return new options that are read-only
     */
    public TransactionOptions readOnly() {
        return new TransactionOptions(isolation, true, batch, maxAttempts, retryDelay, maxRetryDelay, retryListener);
    }

    /**
     * Uses MyBatis's batch executor: statements are sent in batches when flushed
     * ({@link MyBatisClient#flushStatements()}) and at commit. Until then, mapper methods return a
     * placeholder update count and generated keys are not yet filled in. Ignored when joining an outer
     * transaction.
     *
     * @return new options with batching
     */
    public TransactionOptions batch() {
        return new TransactionOptions(isolation, readOnly, true, maxAttempts, retryDelay, maxRetryDelay, retryListener);
    }

    /**
     * Runs the whole block again, up to {@code maxAttempts} times in all, when it fails with a serialization
     * failure or a deadlock; waits between attempts with exponential backoff and jitter (20 ms doubling up to
     * 1 s by default, see {@link #retryBackoff}). Only the outermost transaction retries; a joined block's
     * conflict propagates to it. Objects the block filled in (generated keys) keep the values of the failed
     * attempt until the next one overwrites them.
     *
     * @param maxAttempts attempts in all, the first included
     * @return new options with that number of attempts
     * @throws IllegalArgumentException if {@code maxAttempts} is not between 1 and 100
     */
    public TransactionOptions retryOnConflict(int maxAttempts) {
        if (maxAttempts < 1 || maxAttempts > 100) {
            throw new IllegalArgumentException("maxAttempts must be between 1 and 100, got " + maxAttempts);
        }
        return new TransactionOptions(isolation, readOnly, batch, maxAttempts, retryDelay, maxRetryDelay, retryListener);
    }

    /**
     * Sets the backoff between retries: {@code delay} before the second attempt, doubling up to {@code maxDelay},
     * each with up to 25 % jitter so that conflicting transactions do not collide again in step.
     *
     * @param delay the wait before the second attempt
     * @param maxDelay the longest wait between attempts
     * @return new options with that backoff
     * @throws NullPointerException     if either is {@code null}
     * @throws IllegalArgumentException if {@code delay} is not positive or {@code maxDelay} is shorter than it
     */
    public TransactionOptions retryBackoff(Duration delay, Duration maxDelay) {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (delay.isNegative() || delay.isZero() || maxDelay.compareTo(delay) < 0) {
            throw new IllegalArgumentException("need 0 < delay <= maxDelay, got delay=" + delay + ", maxDelay=" + maxDelay);
        }
        return new TransactionOptions(isolation, readOnly, batch, maxAttempts, delay, maxDelay, retryListener);
    }

    /**
     * Tells {@code listener} about every retry, before the wait; for logs and metrics. It runs on the
     * calling thread; an exception it throws is ignored (Failsafe swallows it).
     *
     * @param listener called before each retry's wait
     * @return new options with that listener
     * @throws NullPointerException if {@code listener} is {@code null}
     */
    public TransactionOptions onRetry(Consumer<TransactionRetry> listener) {
        return new TransactionOptions(isolation, readOnly, batch, maxAttempts, retryDelay, maxRetryDelay,
                Objects.requireNonNull(listener, "listener"));
    }

    /**
     * The isolation level, or {@code null} for the server's default.
     *
     * @return the isolation level, or {@code null}
     */
    public TransactionIsolationLevel isolationLevel() {
        return isolation;
    }

    /**
     * Whether the transaction is read-only.
     *
     * @return {@code true} for a read-only transaction
     */
    public boolean isReadOnly() {
        return readOnly;
    }

    /**
     * Whether the batch executor is used.
     *
     * @return {@code true} when batching
     */
    public boolean isBatch() {
        return batch;
    }

    /**
     * Attempts in all, 1 when retrying is off.
     *
     * @return the number of attempts
     */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Delay before the second attempt.
     *
     * @return the delay before the second attempt
     */
    public Duration retryDelay() {
        return retryDelay;
    }

    /**
     * Longest delay between attempts.
     *
     * @return the longest delay between attempts
     */
    public Duration maxRetryDelay() {
        return maxRetryDelay;
    }

    /**
     * The retry listener; a no-op by default.
     *
     * @return the retry listener; never {@code null}
     */
    public Consumer<TransactionRetry> retryListener() {
        return retryListener;
    }

    @Override
    public String toString() {
        return "TransactionOptions[isolation=" + (isolation == null ? "default" : isolation) + ", readOnly=" + readOnly
                + ", batch=" + batch + ", maxAttempts=" + maxAttempts + "]";
    }
}
