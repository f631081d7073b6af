package dev.pgkeeper.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A fixed number of threads that make calls in a loop and record each in a {@link CallLog} until stopped.
 * After a failed call a thread pauses a little, as an application's retry would, so that calls failing fast
 * do not turn into a busy loop on a machine the server shares. Thread names start with {@code pgkeeper-test},
 * which {@link dev.pgkeeper.testing.TestThreads} does not count as the library's.
 */
final class LoadThreads implements AutoCloseable {

    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopped;

    LoadThreads(String name, int count, CallLog log, Duration pauseAfterFailure, CallLog.Body body) {
        for (int i = 0; i < count; i++) {
            int worker = i;
            Thread t = new Thread(() -> {
                while (!stopped && !Thread.currentThread().isInterrupted()) {
                    if (!log.time(worker, body) && !stopped) {
                        try {
                            Thread.sleep(pauseAfterFailure.toMillis());
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }, "pgkeeper-test-" + name + "-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
    }

    LoadThreads start() {
        threads.forEach(Thread::start);
        return this;
    }

    /** No thread begins another call from now on; calls under way go on. */
    void stop() {
        stopped = true;
    }

    /**
     * Stops and waits until every thread has finished its last call, at most {@code deadline}.
     *
     * @return how many are still in a call when the deadline passed
     */
    int stopAndJoin(Duration deadline) throws InterruptedException {
        stop();
        long end = System.nanoTime() + deadline.toNanos();
        for (Thread t : threads) {
            long left = end - System.nanoTime();
            if (left > 0) {
                t.join(Math.max(1, left / 1_000_000));
            }
        }
        return (int) threads.stream().filter(Thread::isAlive).count();
    }

    /** Stops and interrupts whatever is left; for cleanup. */
    @Override
    public void close() {
        stop();
        threads.stream().filter(Thread::isAlive).forEach(Thread::interrupt);
    }
}
