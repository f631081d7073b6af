package dev.pgkeeper;

import java.time.Duration;
import java.util.Objects;

/**
 * Sleeping that keeps the interrupt contract. Pure apart from the passage of time; thread-safe.
 */
public final class Sleeper {

    private Sleeper() {
    }

    /**
     * Sleeps for at least {@code duration}, unless interrupted. On interruption it returns early with the
     * thread's interrupt status set again, so callers up the stack still see it.
     *
     * @param duration how long to sleep
     * @return {@code true} when the whole duration passed, {@code false} when interrupted
     * @throws NullPointerException     if {@code duration} is {@code null}
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public static boolean sleep(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative, got " + duration);
        }
        long deadline = System.nanoTime() + duration.toNanos();
        long remaining = duration.toNanos();
        // Thread.sleep may wake a little early on some platforms; loop until the deadline has truly passed.
        while (remaining > 0) {
            try {
                Thread.sleep(remaining / 1_000_000, (int) (remaining % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            remaining = deadline - System.nanoTime();
        }
        return !Thread.currentThread().isInterrupted();
    }

    /**
     * {@link #sleep(Duration)} in milliseconds.
     *
     * @param millis how long to sleep, in milliseconds
     * @return {@code true} when the whole duration passed, {@code false} when interrupted
     * @throws IllegalArgumentException if {@code millis} is negative
     */
    public static boolean sleep(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("millis must not be negative, got " + millis);
        }
        return sleep(Duration.ofMillis(millis));
    }
}
