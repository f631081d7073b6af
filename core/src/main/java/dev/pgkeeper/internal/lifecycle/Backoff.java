package dev.pgkeeper.internal.lifecycle;

import java.time.Duration;

/**
 * The retry schedule of {@code initializeConnection()}: the delay before retry {@code i} (1-based) is
 * {@code base * 2^(i-1)}. Pure and thread-safe.
 */
public final class Backoff {

    private Backoff() {
    }

    /**
     * The delay before retry {@code retry}.
     *
     * @param base  delay before the first retry; not negative
     * @param retry 1 for the first retry; at most 62
     * @throws IllegalArgumentException if {@code retry} is out of range or {@code base} is negative
     * @throws ArithmeticException      if the delay does not fit in a {@link Duration} of milliseconds
     */
    public static Duration delayBeforeRetry(Duration base, int retry) {
        if (retry < 1 || retry > 62) {
            throw new IllegalArgumentException("retry must be between 1 and 62, got " + retry);
        }
        if (base.isNegative()) {
            throw new IllegalArgumentException("base must not be negative, got " + base);
        }
        return Duration.ofMillis(Math.multiplyExact(base.toMillis(), 1L << (retry - 1)));
    }
}
