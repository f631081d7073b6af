package dev.pgkeeper.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random interleavings of threads waiting (in an interruptible wait, as HikariCP's is) and one release: every
 * waiter that was still waiting is woken at once and told so, every waiter that finished first is not, no
 * thread is left with an interrupt it did not ask for, and nobody enters after the release.
 */
class WaitersProperties {

    @Property(tries = 200)
    void aReleaseWakesExactlyTheThreadsStillWaitingAndLeavesNoInterruptBehind(
            @ForAll @IntRange(min = 1, max = 8) int threads,
            @ForAll @IntRange(min = 0, max = 2_000) int releaseAfterMicros,
            @ForAll @IntRange(min = 0, max = 2_000) int waitMicros) throws Exception {
        Waiters waiters = new Waiters();
        CountDownLatch entered = new CountDownLatch(threads);
        AtomicInteger released = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger strayInterrupts = new AtomicInteger();
        List<Thread> all = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            long myWait = TimeUnit.MICROSECONDS.toNanos((long) waitMicros * (i + 1) / threads);
            Thread t = new Thread(() -> {
                Waiters.Ticket ticket = waiters.enter();
                entered.countDown();
                if (ticket == null) {
                    refused.incrementAndGet();
                    // A release racing this entry may have interrupted the thread: it must be taken back.
                    LockSupport.parkNanos(200_000);
                    if (Thread.currentThread().isInterrupted()) {
                        strayInterrupts.incrementAndGet();
                    }
                    return;
                }
                try {
                    Thread.sleep(myWait / 1_000_000, (int) (myWait % 1_000_000)); // the pool's wait
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // as HikariCP does before it throws
                }
                if (ticket.leave()) {
                    released.incrementAndGet();
                } else {
                    finished.incrementAndGet();
                }
                // Whatever happened, the thread must not carry an interrupt it never asked for.
                LockSupport.parkNanos(200_000);
                if (Thread.currentThread().isInterrupted()) {
                    strayInterrupts.incrementAndGet();
                }
            });
            all.add(t);
            t.start();
        }
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(releaseAfterMicros));
        waiters.releaseAll();
        for (Thread t : all) {
            t.join(5_000);
            assertThat(t.isAlive()).as("a waiter was not woken").isFalse();
        }

        assertThat(released.get() + finished.get() + refused.get()).isEqualTo(threads);
        assertThat(strayInterrupts.get()).isZero();
        assertThat(waiters.count()).isZero();
        assertThat(waiters.enter()).as("nobody enters after a release").isNull();
        assertThat(entered.getCount()).isZero();
    }
}
