package dev.pgkeeper.internal;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of one manager between {@code initializeConnection()} and {@code disconnect()}: a scheduler
 * for retries, the reconnect loop and liveness probes; a worker for health checks, so a hanging check
 * never delays the loop; and closers that shut retired pools down. All are daemon threads named
 * {@code pgkeeper-<name>-...}.
 *
 * <p>Thread-safe.
 */
public final class ManagerThreads {

    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService health;
    private final ExecutorService closer;

    public ManagerThreads(String managerName) {
        String prefix = "pgkeeper-" + managerName + "-";
        scheduler = new ScheduledThreadPoolExecutor(1, named(prefix + "scheduler"));
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        health = Executors.newSingleThreadExecutor(named(prefix + "health"));
        closer = Executors.newCachedThreadPool(named(prefix + "closer"));
    }

    /** Runs retries, the reconnect loop and liveness probes. */
    public ScheduledThreadPoolExecutor scheduler() {
        return scheduler;
    }

    /** Runs health checks, one at a time. */
    public ExecutorService health() {
        return health;
    }

    /** Closes pools; a close that hangs blocks only its own thread. */
    public ExecutorService closer() {
        return closer;
    }

    /**
     * Interrupts the scheduler and the health worker, lets closers finish (an interrupted HikariCP shutdown
     * leaves threads behind), and waits until {@code deadlineNanos} (a {@link System#nanoTime()} value).
     *
     * @return whether every thread ended by the deadline
     */
    public boolean shutdown(long deadlineNanos) throws InterruptedException {
        scheduler.shutdownNow();
        health.shutdownNow();
        closer.shutdown();
        boolean terminated = true;
        for (ExecutorService e : List.of(scheduler, health, closer)) {
            terminated &= e.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        return terminated;
    }

    private static ThreadFactory named(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
