package dev.pgkeeper.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A closed-loop load: {@code threads} threads call one operation back to back for a fixed time, and the
 * harness counts completed calls (and, on request, the latency of each). Any failure stops the run: a
 * benchmark that quietly counts errors as work measures nothing.
 */
final class Load {

    /** One call of the contender under test. */
    @FunctionalInterface
    interface Operation {
        void call(ThreadLocalRandom random) throws Exception;
    }

    /** What a run measured: calls, wall time, the CPU time the calling threads used, latencies if asked. */
    record Result(long calls, double seconds, long cpuNanos, long[] latenciesNanos) {
        double perSecond() {
            return calls / seconds;
        }

        /** Client CPU per call, in microseconds: what the caller's own code costs, whatever the machine's load. */
        double cpuMicrosPerCall() {
            return calls == 0 ? Double.NaN : cpuNanos / 1_000.0 / calls;
        }
    }

    private Load() {
    }

    static Result run(int threads, Duration duration, boolean recordLatency, Operation operation)
            throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] counts = new long[threads];
        long[] cpu = new long[threads];
        ThreadMXBean cpuClock = ManagementFactory.getThreadMXBean();
        long[][] latencies = new long[threads][];
        int[] latencyCounts = new int[threads];
        List<Thread> workers = new ArrayList<>();
        long[] window = new long[2];
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread worker = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                long[] mine = recordLatency ? new long[1 << 16] : null;
                int recorded = 0;
                long calls = 0;
                ready.countDown();
                long cpuAtStart = 0;
                try {
                    go.await();
                    cpuAtStart = cpuClock.getCurrentThreadCpuTime();
                    long end = window[1];
                    while (true) {
                        long start = System.nanoTime();
                        if (start >= end || failure.get() != null) {
                            break;
                        }
                        operation.call(random);
                        calls++;
                        if (mine != null) {
                            if (recorded == mine.length) {
                                mine = Arrays.copyOf(mine, recorded * 2);
                            }
                            mine[recorded++] = System.nanoTime() - start;
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
                counts[id] = calls;
                cpu[id] = cpuClock.getCurrentThreadCpuTime() - cpuAtStart;
                latencies[id] = mine;
                latencyCounts[id] = recorded;
            }, "bench-load-" + t);
            workers.add(worker);
            worker.start();
        }
        ready.await();
        window[0] = System.nanoTime();
        window[1] = window[0] + duration.toNanos();
        go.countDown(); // publishes window[] to the workers
        for (Thread worker : workers) {
            worker.join();
        }
        double seconds = (System.nanoTime() - window[0]) / 1e9;
        if (failure.get() != null) {
            throw new IllegalStateException("a call failed during the run", failure.get());
        }
        long total = Arrays.stream(counts).sum();
        long[] all = null;
        if (recordLatency) {
            all = new long[Arrays.stream(latencyCounts).sum()];
            int at = 0;
            for (int t = 0; t < threads; t++) {
                System.arraycopy(latencies[t], 0, all, at, latencyCounts[t]);
                at += latencyCounts[t];
            }
        }
        return new Result(total, seconds, Arrays.stream(cpu).sum(), all);
    }
}
