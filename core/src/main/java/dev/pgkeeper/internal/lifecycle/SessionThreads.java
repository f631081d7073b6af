package dev.pgkeeper.internal.lifecycle;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of one session of a manager, from {@code initializeConnection()} to {@code disconnect()}, all
 * daemon threads named {@code pgkeeper-<name>-...}, each started only when first needed:
 * <ul>
 *   <li>a scheduler for the retry schedule, the watcher's ticks and retirement checks;</li>
 *   <li>one probe thread, so at most one probe is ever in flight;</li>
 *   <li>one health-check worker, so a hanging check never delays anything else;</li>
 *   <li>host probes, one per host, with a URL of several hosts;</li>
 *   <li>closers that shut replaced pools down (a close that hangs blocks only its own thread);</li>
 *   <li>one thread that delivers events to listeners, in order.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class SessionThreads {

    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService probe;
    private final ExecutorService health;
    private final ExecutorService closer;
    private final ExecutorService hosts;
    private final ExecutorService events;
    private volatile Thread eventThread;

    /** Creates the executors; their threads are named {@code pgkeeper-<managerName>-...}. */
    public SessionThreads(String managerName) {
        String prefix = "pgkeeper-" + managerName + "-";
        scheduler = new ScheduledThreadPoolExecutor(1, named(prefix + "scheduler"));
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        probe = Executors.newSingleThreadExecutor(named(prefix + "probe"));
        health = Executors.newSingleThreadExecutor(named(prefix + "health"));
        closer = Executors.newCachedThreadPool(named(prefix + "closer"));
        hosts = Executors.newCachedThreadPool(named(prefix + "host-probe"));
        events = Executors.newSingleThreadExecutor(r -> eventThread = named(prefix + "events").newThread(r));
    }

    /** Runs the retry schedule, the watcher's ticks and retirement checks. */
    public ScheduledThreadPoolExecutor scheduler() {
        return scheduler;
    }

    /** Runs probes, one at a time. */
    public ExecutorService probe() {
        return probe;
    }

    /** Runs health checks, one at a time. */
    public ExecutorService health() {
        return health;
    }

    /** Closes pools. */
    public ExecutorService closer() {
        return closer;
    }

    /** Probes the hosts of a several-host URL, one thread per host probe in flight. */
    public ExecutorService hosts() {
        return hosts;
    }

    /** Delivers listener events, in order. */
    public ExecutorService events() {
        return events;
    }

    /** Whether the calling thread is this session's event thread (a listener is running). */
    public boolean isEventThread() {
        return Thread.currentThread() == eventThread;
    }

    /**
     * Stops everything and waits until {@code deadlineNanos} (a {@link System#nanoTime()} value). The
     * scheduler, the probe thread and the health worker are interrupted; closers are not, because an
     * interrupted HikariCP shutdown leaves threads behind; queued events are still delivered, but not waited
     * for when this is called from the event thread itself.
     *
     * @return whether every thread ended by the deadline
     */
    public boolean shutdown(long deadlineNanos) throws InterruptedException {
        scheduler.shutdownNow();
        probe.shutdownNow();
        health.shutdownNow();
        hosts.shutdownNow();
        closer.shutdown();
        events.shutdown();
        boolean terminated = await(scheduler, deadlineNanos) & await(probe, deadlineNanos)
                & await(health, deadlineNanos) & await(hosts, deadlineNanos) & await(closer, deadlineNanos);
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
