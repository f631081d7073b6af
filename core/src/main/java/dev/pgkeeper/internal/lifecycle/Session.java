package dev.pgkeeper.internal.lifecycle;

import dev.pgkeeper.internal.pool.ManagedPool;
import dev.pgkeeper.internal.pool.PoolRetirement;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One run of a manager, from {@code initializeConnection()} to {@code disconnect()}: its threads, the pools it
 * replaced, its probe in flight and its retry schedule. Nothing is shared between sessions, so work left over
 * from an old session (a late probe, a retirement check) can only touch that session, which has ended; and
 * nothing in a session is ever reopened.
 *
 * <p>Thread-safe.
 */
public final class Session {

    private static final Logger LOG = LogManager.getLogger(Session.class);

    private final long id;
    private final SessionThreads threads;
    private final PoolRetirement retirement;
    /** The probe in flight, or the last one; see {@link Watcher}. */
    final AtomicReference<Probe> probe = new AtomicReference<>();
    /** When calls may start the next probe while the server is down; see {@link Watcher#awaitRecovery}. */
    final ProbeSchedule schedule;
    /** When a pool timeout last asked for a probe ({@link System#nanoTime()}); see {@link Watcher#check}. */
    final AtomicLong lastPoolCheck = new AtomicLong(System.nanoTime() - 1_000_000_000_000L);
    /** Whether the periodic loop was started; see {@link Watcher#startLoop}. */
    final AtomicBoolean loopStarted = new AtomicBoolean();
    /** Pools that serve beside the lifecycle's own (the read router's), closed with the session. */
    private final java.util.List<ManagedPool> adopted = new java.util.ArrayList<>();
    private boolean adoptedDrained;
    /** The retry schedule of {@code initializeConnection()} under way, or the last one; see {@link Initializer}. */
    final AtomicReference<Initializer.Run> initialization = new AtomicReference<>();

    Session(long id, String managerName, ProbeSchedule schedule) {
        this.id = id;
        this.schedule = schedule;
        this.threads = new SessionThreads(managerName);
        this.retirement = new PoolRetirement(this::closeInBackground, threads.scheduler());
    }

    /** Counts from 1 for a manager's first session. */
    public long id() {
        return id;
    }

    /** The session's threads. */
    public SessionThreads threads() {
        return threads;
    }

    /** The pools this session replaced and has not closed yet. */
    public PoolRetirement retirement() {
        return retirement;
    }

    /**
     * Makes {@code pool} close when the session ends.
     *
     * @return {@code false}, after closing the pool, when the session has ended already
     */
    public boolean adopt(ManagedPool pool) {
        synchronized (adopted) {
            if (!adoptedDrained) {
                adopted.add(pool);
                return true;
            }
        }
        closeQuietly(pool);
        return false;
    }

    /**
     * Takes an adopted pool out of service: threads waiting in it are released at once, and it closes once
     * no connection of it is lent out (see {@link PoolRetirement}).
     */
    public void retireAdopted(ManagedPool pool) {
        synchronized (adopted) {
            adopted.remove(pool);
        }
        retirement.retire(pool);
    }

    /** The pools adopted so far; pools adopted from now on are closed at once. */
    public java.util.List<ManagedPool> drainAdopted() {
        synchronized (adopted) {
            adoptedDrained = true;
            return new java.util.ArrayList<>(adopted);
        }
    }

    /**
     * Ends the retry schedule of {@code initializeConnection()} if one waits: another path connected (it then
     * reports that success), or the session is ending (it reports the disconnection).
     */
    public void stopRetries() {
        Initializer.Run run = initialization.get();
        java.util.concurrent.CompletableFuture<ConnectionState> schedule = run == null ? null : run.retries;
        if (schedule != null && !schedule.isDone()) {
            schedule.cancel(false);
        }
    }

    /** Closes {@code pool} on a closer thread, or on this thread once the session is shut down. */
    public void closeInBackground(ManagedPool pool) {
        try {
            threads.closer().execute(() -> closeQuietly(pool));
        } catch (RejectedExecutionException e) {
            closeQuietly(pool);
        }
    }

    /**
     * Shuts a pool down completely. HikariCP abandons its shutdown half-way (leaving its housekeeper thread
     * alive) when the closing thread is interrupted, so the interrupt status is set aside while closing and
     * restored afterwards, and an interrupted close is finished.
     */
    public static void closeQuietly(ManagedPool pool) {
        boolean interrupted = Thread.interrupted();
        try {
            pool.close();
        } catch (InterruptedException e) {
            interrupted = true;
            try {
                pool.close();
            } catch (InterruptedException again) {
                LOG.warn("Closing pool {} was interrupted twice; some of its threads may linger", pool.name());
            }
        } catch (RuntimeException e) {
            LOG.warn("Closing pool {} failed", pool.name(), e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "session " + id;
    }
}
