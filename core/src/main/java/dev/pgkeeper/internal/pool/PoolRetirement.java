package dev.pgkeeper.internal.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The pools one session of a manager replaced while connections may still be lent from them. Each is closed
 * once nothing is lent from it and nobody waits in it, never earlier: a replaced pool's lent connections may
 * be healthy (after {@code reconnect()}, or a server restart they were opened after), and aborting them would
 * break work that would have succeeded. At {@code disconnect()} the session {@link #drain() drains} them
 * instead, and closes them itself. Whichever comes first takes a pool out of the set, so a pool is closed
 * exactly once. A session drains once; it never reopens (the next session has a retirement of its own).
 *
 * <p>Thread-safe.
 */
public final class PoolRetirement {

    private static final long CHECK_MILLIS = 100;

    private final Set<ManagedPool> retiring = ConcurrentHashMap.newKeySet();
    private final Consumer<ManagedPool> closer;
    private final ScheduledExecutorService scheduler;
    private volatile boolean drained;

    /**
     * @param closer    closes a pool, typically on a background thread
     * @param scheduler checks retiring pools; when it is shut down, pools are closed at once
     */
    public PoolRetirement(Consumer<ManagedPool> closer, ScheduledExecutorService scheduler) {
        this.closer = closer;
        this.scheduler = scheduler;
    }

    /** Takes {@code pool} out of service ({@link ManagedPool#retire()}) and closes it when it is quiet. */
    public void retire(ManagedPool pool) {
        pool.retire();
        retiring.add(pool);
        if (drained) {
            closeNow(pool); // added after drain() walked the set: nobody else will close it
            return;
        }
        scheduleCheck(pool);
    }

    /**
     * Every pool still retiring, now owned by the caller, who must close them. Pools retired from now on are
     * closed at once.
     */
    public List<ManagedPool> drain() {
        drained = true;
        List<ManagedPool> taken = new ArrayList<>();
        for (ManagedPool pool : List.copyOf(retiring)) {
            if (retiring.remove(pool)) {
                taken.add(pool);
            }
        }
        return taken;
    }

    private void scheduleCheck(ManagedPool pool) {
        try {
            scheduler.schedule(() -> {
                if (pool.isQuiet()) {
                    closeNow(pool);
                } else if (retiring.contains(pool)) {
                    scheduleCheck(pool);
                }
            }, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            closeNow(pool); // the session is ending: nobody will check again
        }
    }

    private void closeNow(ManagedPool pool) {
        if (retiring.remove(pool)) {
            closer.accept(pool);
        }
    }
}
