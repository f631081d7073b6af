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
     * Live threads of this JVM named exactly {@code name}, counted without taking stack traces, so it is cheap
     * enough to sample every few milliseconds.
     */
    public static int countAlive(String name) {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] all = new Thread[root.activeCount() + 64];
        int n = root.enumerate(all, true);
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (all[i].isAlive() && name.equals(all[i].getName())) {
                count++;
            }
        }
        return count;
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
