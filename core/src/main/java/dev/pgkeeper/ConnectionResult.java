package dev.pgkeeper;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of {@link ConnectionManager#initializeConnection()} or {@link ConnectionManager#reconnect()}.
 *
 * @param success  {@code true} when the manager is connected
 * @param attempts connection attempts made by this call (0 when it found the manager already connected)
 * @param duration how long the call took
 * @param error    why it failed, or {@code null} on success
 */
public record ConnectionResult(boolean success, int attempts, Duration duration, DatabaseError error) {

    /**
     * @param success {@code true} when the manager is connected
     * @param attempts connection attempts made by this call (0 when it found the manager already connected)
     * @param duration how long the call took
     * @param error why it failed, or {@code null} on success
     * @throws NullPointerException     if {@code duration} is {@code null}
     * @throws IllegalArgumentException if {@code success} and {@code error} disagree or {@code attempts} is negative
     */
    public ConnectionResult {
        Objects.requireNonNull(duration, "duration");
        if (success == (error != null)) {
            throw new IllegalArgumentException("a successful result has no error; a failed one has one");
        }
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative: " + attempts);
        }
    }

    /**
     * A successful result.
     *
     * @param attempts connection attempts made
     * @param duration how long the call took
     * @return a result with {@code success} set and no error
     */
    public static ConnectionResult connected(int attempts, Duration duration) {
        return new ConnectionResult(true, attempts, duration, null);
    }

    /**
     * A failed result.
     *
     * @param attempts connection attempts made
     * @param duration how long the call took
     * @param error why it failed; not {@code null}
     * @return a result with {@code success} unset and {@code error}
     */
    public static ConnectionResult failed(int attempts, Duration duration, DatabaseError error) {
        return new ConnectionResult(false, attempts, duration, Objects.requireNonNull(error, "error"));
    }
}
