package dev.pgkeeper.internal.pool;

import com.zaxxer.hikari.metrics.IMetricsTracker;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.PoolStats;
import java.util.Arrays;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Lets HikariCP metrics trackers ({@link MetricsTrackerFactory}, such as HikariCP's own Micrometer tracker) follow
 * a manager's pool generations as if they were one pool.
 *
 * <p>A tracker registered here is created once, under one stable pool name, with {@link PoolStats} that always
 * describe the pool serving now. Every pool generation is started with this factory, which hands HikariCP a
 * forwarder: its events (acquire, usage, creation, timeout) go to every registered tracker, and closing it (HikariCP
 * does when a generation shuts down) closes nothing. Giving each generation its own tracker under the same name
 * would not work with HikariCP's Micrometer tracker: a second registration under the same name gets back the
 * first generation's meters (which read the retired pool's numbers), and the first generation's close removes
 * them while the second still uses them.
 *
 * <p>Cheap when nothing is registered: HikariCP reads the clock around each borrow, and the forwarder reads one
 * volatile array. Thread-safe; trackers are created and closed outside the lock.
 */
public final class PoolMetrics implements MetricsTrackerFactory {

    private static final Logger LOG = LogManager.getLogger(PoolMetrics.class);

    private record Entry(MetricsTrackerFactory factory, IMetricsTracker tracker) { }

    private final String poolName;
    private final Supplier<dev.pgkeeper.PoolStats> current;
    private final int minIdle;
    private final Object lock = new Object();
    private volatile Entry[] entries = new Entry[0];

    /**
     * @param poolName the stable name trackers get (HikariCP's Micrometer tracker makes it the {@code pool} tag)
     * @param current  the numbers of the pool serving now (all zero without one)
     * @param minIdle  the configured minimum of idle connections
     */
    public PoolMetrics(String poolName, Supplier<dev.pgkeeper.PoolStats> current, int minIdle) {
        this.poolName = poolName;
        this.current = current;
        this.minIdle = minIdle;
    }

    /**
     * Creates a tracker with {@code factory} and feeds it from now on.
     *
     * @return {@code false}, creating nothing, when {@code factory} is registered already
     */
    public boolean add(MetricsTrackerFactory factory) {
        if (find(entries, factory) >= 0) {
            return false;
        }
        IMetricsTracker tracker = factory.create(poolName, new CurrentPoolStats());
        boolean added = false;
        synchronized (lock) {
            if (find(entries, factory) < 0) {
                Entry[] now = Arrays.copyOf(entries, entries.length + 1);
                now[now.length - 1] = new Entry(factory, tracker);
                entries = now;
                added = true;
            }
        }
        if (!added) {
            tracker.close(); // another thread registered the same factory meanwhile
        }
        return added;
    }

    /**
     * Stops feeding the tracker {@code factory} created and closes it.
     *
     * @return whether {@code factory} was registered
     */
    public boolean remove(MetricsTrackerFactory factory) {
        Entry removed;
        synchronized (lock) {
            int i = find(entries, factory);
            if (i < 0) {
                return false;
            }
            removed = entries[i];
            Entry[] now = new Entry[entries.length - 1];
            System.arraycopy(entries, 0, now, 0, i);
            System.arraycopy(entries, i + 1, now, i, entries.length - i - 1);
            entries = now;
        }
        removed.tracker().close();
        return true;
    }

    /** Whether no tracker is registered. */
    public boolean isEmpty() {
        return entries.length == 0;
    }

    /** Called by HikariCP for each pool generation; the generation's own name and stats are not used. */
    @Override
    public IMetricsTracker create(String generationName, PoolStats generationStats) {
        return new Forwarder();
    }

    private static int find(Entry[] entries, MetricsTrackerFactory factory) {
        for (int i = 0; i < entries.length; i++) {
            if (entries[i].factory() == factory) {
                return i;
            }
        }
        return -1;
    }

    /** The numbers of whichever pool serves now. */
    private final class CurrentPoolStats extends PoolStats {
        CurrentPoolStats() {
            super(0); // no caching: reading the pool is cheap, and a replaced pool must show at once
        }

        @Override
        protected void update() {
            dev.pgkeeper.PoolStats s = current.get();
            totalConnections = s.total();
            idleConnections = s.idle();
            activeConnections = s.active();
            pendingThreads = s.waiting();
            maxConnections = s.max();
            minConnections = minIdle;
        }
    }

    /** What HikariCP calls on a borrowing or housekeeping thread; a failing tracker must not fail a borrow. */
    private final class Forwarder implements IMetricsTracker {
        @Override
        public void recordConnectionCreatedMillis(long millis) {
            for (Entry e : entries) {
                try {
                    e.tracker().recordConnectionCreatedMillis(millis);
                } catch (RuntimeException ex) {
                    failed(e, ex);
                }
            }
        }

        @Override
        public void recordConnectionAcquiredNanos(long nanos) {
            for (Entry e : entries) {
                try {
                    e.tracker().recordConnectionAcquiredNanos(nanos);
                } catch (RuntimeException ex) {
                    failed(e, ex);
                }
            }
        }

        @Override
        public void recordConnectionUsageMillis(long millis) {
            for (Entry e : entries) {
                try {
                    e.tracker().recordConnectionUsageMillis(millis);
                } catch (RuntimeException ex) {
                    failed(e, ex);
                }
            }
        }

        @Override
        public void recordConnectionTimeout() {
            for (Entry e : entries) {
                try {
                    e.tracker().recordConnectionTimeout();
                } catch (RuntimeException ex) {
                    failed(e, ex);
                }
            }
        }

        @Override
        public void close() {
            // the registered trackers outlive this generation; remove(...) closes them
        }

        private void failed(Entry e, RuntimeException ex) {
            LOG.debug("Metrics tracker {} of pool {} failed", e.tracker(), poolName, ex);
        }
    }
}
