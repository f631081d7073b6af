package dev.pgkeeper.testing;

import java.util.List;

/** Checks that a library left no thread of its own behind. */
public final class TestThreads {

    private TestThreads() {
    }

    /** Names of live threads that belong to pgkeeper (named {@code pgkeeper-...}, tests' own excluded). */
    public static List<String> pgkeeperThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("pgkeeper-") && !n.startsWith("pgkeeper-test"))
                .sorted()
                .toList();
    }

    /**
     * Asserts that no pgkeeper thread is alive, allowing up to three seconds for threads that are
     * already on their way out (an executor winding down).
     */
    public static void assertNoPgkeeperThreads() {
        assertNoPgkeeperThreads(java.time.Duration.ofSeconds(3));
    }

    /** Like {@link #assertNoPgkeeperThreads()}, allowing {@code grace} for threads on their way out. */
    public static void assertNoPgkeeperThreads(java.time.Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        List<String> alive = pgkeeperThreads();
        while (!alive.isEmpty() && System.nanoTime() < deadline) {
            PrivateServer.sleepQuietly(20);
            alive = pgkeeperThreads();
        }
        if (!alive.isEmpty()) {
            throw new AssertionError("pgkeeper threads still running: " + alive);
        }
    }
}
