package dev.pgkeeper.internal.pool;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads waiting for a connection in one pool, so that they can be released at once when the pool is
 * taken out of service, instead of waiting in it for the rest of their timeout (HikariCP's wait cannot be
 * cut short from outside, except by an interrupt).
 *
 * <p>A waiter {@link #enter() enters} before it asks the pool and {@link Ticket#leave() leaves} after. A
 * {@link #releaseAll() release} marks the registry closed, then interrupts every thread still waiting. Each
 * ticket's state settles who won between the two: the waiter finishing on its own, or the release. When the
 * release won, the waiter clears the interrupt that the release sent (after waiting until it was sent), so an
 * application thread never sees an interrupt that was not meant for it.
 *
 * <p>Thread-safe.
 */
final class Waiters {

    private static final int WAITING = 0;
    private static final int FINISHED = 1;
    private static final int RELEASING = 2;
    private static final int RELEASED = 3;

    private final Set<Ticket> waiting = ConcurrentHashMap.newKeySet();
    private volatile boolean released;

    /** One thread's wait in the pool. */
    final class Ticket {
        private final Thread thread = Thread.currentThread();
        private final AtomicInteger state = new AtomicInteger(WAITING);

        /**
         * Ends the wait; call it on the waiting thread, once, whatever the pool answered.
         *
         * @return {@code true} when the pool was released while this thread waited: the thread's interrupt
         *         status, which the release set, has been cleared, and whatever the pool answered is moot
         */
        boolean leave() {
            waiting.remove(this);
            if (state.compareAndSet(WAITING, FINISHED)) {
                return false;
            }
            while (state.get() != RELEASED) {
                Thread.onSpinWait(); // the releasing thread is between its CAS and its interrupt
            }
            Thread.interrupted();
            return true;
        }

        private void release() {
            if (state.compareAndSet(WAITING, RELEASING)) {
                thread.interrupt();
                state.set(RELEASED);
            }
        }
    }

    /**
     * Registers the calling thread as waiting.
     *
     * @return its ticket, or {@code null} when the pool was released already (do not wait in it)
     */
    Ticket enter() {
        Ticket t = new Ticket();
        waiting.add(t);
        // Checked after adding, while releaseAll() sets the flag before walking the set: either this thread
        // sees the flag, or the release sees this ticket.
        if (released) {
            t.leave(); // the release may have seen the ticket already: take back the interrupt it sent
            return null;
        }
        return t;
    }

    /** Releases every waiting thread and refuses new ones. Idempotent. */
    void releaseAll() {
        released = true;
        for (Ticket t : waiting) {
            t.release();
        }
    }


    /** How many threads wait right now. */
    int count() {
        return waiting.size();
    }
}
