package dev.pgkeeper.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling until a condition holds, for tests of asynchronous behaviour. */
public final class Await {

    private Await() {
    }

    /**
     * Polls {@code condition} every 10 ms until it is true.
     *
     * @throws AssertionError naming {@code what} if it is still false after {@code timeout}
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout.toMillis() + " ms waiting until " + what);
            }
            PrivateServer.sleepQuietly(10);
        }
    }
}
