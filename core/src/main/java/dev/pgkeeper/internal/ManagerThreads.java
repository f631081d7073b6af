package dev.pgkeeper.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of one manager between {@code initializeConnection()} and {@code disconnect()}, all daemon
 * threads named {@code pgkeeper-<name>-...}: a scheduler for retries, the reconnect loop, loss checks and
 * pool retirement; a worker for health checks, so a hanging check never delays the loop; closers that
 * shut retired pools down; and one thread that delivers events to listeners in order.
 *
 * <p>Thread-safe.
 */
public final class ManagerThreads {

    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService health;
    private final ExecutorService closer;
    private final ExecutorService events;
    private volatile Thread eventThread;

    /** Starts the executors; their threads are named {@code pgkeeper-<managerName>-...}. */
    public ManagerThreads(String managerName) {
        String prefix = "pgkeeper-" + managerName + "-";
        scheduler = new ScheduledThreadPoolExecutor(1, named(prefix + "scheduler"));
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        health = Executors.newSingleThreadExecutor(named(prefix + "health"));
        closer = Executors.newCachedThreadPool(named(prefix + "closer"));
        events = Executors.newSingleThreadExecutor(r -> eventThread = named(prefix + "events").newThread(r));
    }

    /** Runs retries, the reconnect loop, loss checks and retirement checks. */
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

    /** Delivers listener events, in order. */
    public ExecutorService events() {
        return events;
    }

    /** Whether the calling thread is this manager's event thread (a listener is running). */
    public boolean isEventThread() {
        return Thread.currentThread() == eventThread;
    }

    /**
     * Stops everything and waits until {@code deadlineNanos} (a {@link System#nanoTime()} value). The
     * scheduler and the health worker are interrupted; closers are not, because an interrupted HikariCP
     * shutdown leaves threads behind; queued events are still delivered, unless this is called from the
     * event thread itself.
     *
     * @return whether every thread ended by the deadline
     */
    public boolean shutdown(long deadlineNanos) throws InterruptedException {
        scheduler.shutdownNow();
        health.shutdownNow();
        closer.shutdown();
        events.shutdown();
        boolean terminated = await(scheduler, deadlineNanos) & await(health, deadlineNanos)
                & await(closer, deadlineNanos);
        return isEventThread() ? terminated : terminated & await(events, deadlineNanos);
    }

    private static boolean await(ExecutorService e, long deadlineNanos) throws InterruptedException {
        return e.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
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
