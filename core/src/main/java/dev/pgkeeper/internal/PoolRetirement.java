package dev.pgkeeper.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Pools that were replaced but may still have connections lent out. Each is closed once nothing is lent
 * from it and nobody waits in it, or when its grace period ends, or at {@code disconnect()}: whichever
 * comes first takes it out of the set and closes it, so a pool is closed exactly once.
 *
 * <p>Thread-safe.
 */
public final class PoolRetirement {

    private static final long CHECK_MILLIS = 100;

    private final Set<ManagedPool> retiring = ConcurrentHashMap.newKeySet();
    private final Consumer<ManagedPool> closer;
    private volatile boolean accepting = true;

    /** @param closer closes a pool, typically on a background thread */
    public PoolRetirement(Consumer<ManagedPool> closer) {
        this.closer = closer;
    }

    /**
     * Takes {@code pool} out of service and closes it when it is quiet.
     *
     * @param grace     close it after this long even if connections are still lent (they are aborted), or
     *                  {@code null} to wait for them however long it takes
     * @param scheduler checks the pool; when {@code null} or shut down the pool is closed at once
     */
    public void retire(ManagedPool pool, Duration grace, ScheduledExecutorService scheduler) {
        pool.retire();
        retiring.add(pool);
        if (!accepting) {
            closeNow(pool); // drained already: nobody else will close it
            return;
        }
        long giveUpAt = grace == null ? Long.MAX_VALUE : System.nanoTime() + grace.toNanos();
        scheduleCheck(pool, giveUpAt, scheduler);
    }

    /** Starts accepting pools again, after {@link #drain()}, for a manager that connects again. */
    public void open() {
        accepting = true;
    }

    /**
     * Every pool still retiring, now owned by the caller, who must close them. Pools retired from now on
     * until {@link #open()} are closed at once.
     */
    public List<ManagedPool> drain() {
        accepting = false;
        List<ManagedPool> drained = new ArrayList<>();
        for (ManagedPool pool : List.copyOf(retiring)) {
            if (retiring.remove(pool)) {
                drained.add(pool);
            }
        }
        return drained;
    }

    private void scheduleCheck(ManagedPool pool, long giveUpAt, ScheduledExecutorService scheduler) {
        if (scheduler == null) {
            closeNow(pool);
            return;
        }
        try {
            scheduler.schedule(() -> {
                if (pool.isQuiet() || System.nanoTime() - giveUpAt > 0) {
                    closeNow(pool);
                } else {
                    scheduleCheck(pool, giveUpAt, scheduler);
                }
            }, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            closeNow(pool); // the manager is shutting down: nobody will check again
        }
    }

    private void closeNow(ManagedPool pool) {
        if (retiring.remove(pool)) {
            closer.accept(pool);
        }
    }
}
