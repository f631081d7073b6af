package dev.pgkeeper.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Threads that call one operation until stopped, through a fault: unlike {@link Load}, a failed call is
 * counted and the thread carries on after a pause, as a request loop would. Notes when every success ended,
 * and which successes started after the fault began.
 */
final class Writers {

    private final Load.Operation operation;
    private final Duration pauseAfterSuccess;
    private final Duration pauseAfterFailure;
    private final List<Thread> threads = new ArrayList<>();
    private final long[][] successEnds;
    private final int[] successCounts;
    private final AtomicLong failures = new AtomicLong();
    /** Start and end of the successes that started after {@link #faultAt}. */
    private final ConcurrentLinkedQueue<long[]> afterFault = new ConcurrentLinkedQueue<>();
    private volatile long faultAt = Long.MAX_VALUE;
    private volatile boolean running = true;

    Writers(int count, Load.Operation operation, Duration pauseAfterSuccess, Duration pauseAfterFailure) {
        this.operation = operation;
        this.pauseAfterSuccess = pauseAfterSuccess;
        this.pauseAfterFailure = pauseAfterFailure;
        this.successEnds = new long[count][];
        this.successCounts = new int[count];
        for (int i = 0; i < count; i++) {
            int id = i;
            threads.add(new Thread(() -> loop(id), "bench-writer-" + i));
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    /** From now on, successes that started after {@code faultStart} ({@link System#nanoTime()}) are kept. */
    void watch(long faultStart) {
        afterFault.clear();
        faultAt = faultStart;
    }

    /**
     * Waits for the first success that started after the watched fault and ended at or after {@code up}.
     *
     * @return when it ended ({@link System#nanoTime()})
     */
    long awaitSuccessAfter(long up, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long first = afterFault.stream().mapToLong(c -> c[1]).filter(end -> end >= up).min().orElse(0);
            if (first != 0) {
                return first;
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("no call succeeded within " + timeout + " after the server was back");
    }

    long failures() {
        return failures.get();
    }

    /** Stops and joins every thread; only then are {@link #successesPerSecond} figures complete. */
    void stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join();
        }
    }

    /** Successes that ended in {@code [from, to)}, per second. */
    double successesPerSecond(long from, long to) {
        long n = 0;
        for (int t = 0; t < successEnds.length; t++) {
            n += Arrays.stream(successEnds[t], 0, successCounts[t]).filter(end -> end >= from && end < to).count();
        }
        return n / ((to - from) / 1e9);
    }

    private void loop(int id) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long[] ends = new long[1 << 14];
        int count = 0;
        while (running) {
            long start = System.nanoTime();
            try {
                operation.call(random);
            } catch (Exception e) {
                failures.incrementAndGet();
                sleep(pauseAfterFailure);
                continue;
            }
            long end = System.nanoTime();
            if (count == ends.length) {
                ends = Arrays.copyOf(ends, count * 2);
            }
            ends[count++] = end;
            if (start > faultAt) {
                afterFault.add(new long[] {start, end});
            }
            if (!pauseAfterSuccess.isZero()) {
                sleep(pauseAfterSuccess);
            }
        }
        successEnds[id] = ends;
        successCounts[id] = count;
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
