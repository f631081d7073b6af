package dev.pgkeeper.mybatis.ha;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Threads that call one operation in a loop, each pausing the same time after every call, failed or not, and
 * recording every {@link Call}. Started by {@link #start}, ended once by {@link #stop}. The pause keeps two loads
 * side by side from starving a small machine, and treats both clients alike: a client that fails fast makes
 * more calls, not busier ones.
 *
 * <p>{@link #acks()} and {@link #lastAckEnd()} may be read from any thread while it runs; the calls only after
 * {@link #stop}.
 */
final class Load {

    /** One call; returns the answering server's port, or 0. */
    @FunctionalInterface
    interface Operation {
        int call(int thread, long seq) throws Exception;
    }

    private final String name;
    private final Operation operation;
    private final long pauseNanos;
    private final List<Thread> threads = new ArrayList<>();
    private final List<List<Call>> calls = new ArrayList<>();
    private final LongAdder acks = new LongAdder();
    private final AtomicLong lastAckEnd = new AtomicLong(Long.MIN_VALUE);
    private volatile boolean running = true;

    private Load(String name, Operation operation, Duration pause) {
        this.name = name;
        this.operation = operation;
        this.pauseNanos = pause.toNanos();
    }

    /** Starts {@code threads} threads named {@code pgkeeper-test-ha-<name>-<i>}. */
    static Load start(String name, int threads, Duration pause, Operation operation) {
        Load load = new Load(name, operation, pause);
        for (int i = 0; i < threads; i++) {
            List<Call> own = new ArrayList<>();
            int thread = i;
            Thread t = new Thread(() -> load.loop(thread, own), "pgkeeper-test-ha-" + name + "-" + i);
            t.setDaemon(true);
            load.calls.add(own);
            load.threads.add(t);
        }
        load.threads.forEach(Thread::start);
        return load;
    }

    private void loop(int thread, List<Call> own) {
        for (long seq = 1; running; seq++) {
            long start = System.nanoTime();
            try {
                int port = operation.call(thread, seq);
                long end = System.nanoTime();
                own.add(Call.succeeded(thread, seq, start, end, port));
                acks.increment();
                lastAckEnd.accumulateAndGet(end, Math::max);
            } catch (Exception e) {
                own.add(Call.failed(thread, seq, start, System.nanoTime(), e));
            }
            LockSupport.parkNanos(pauseNanos);
        }
    }

    /** Successful calls so far. */
    long acks() {
        return acks.sum();
    }

    /** When the latest successful call so far returned ({@link System#nanoTime()}), or {@link Long#MIN_VALUE}. */
    long lastAckEnd() {
        return lastAckEnd.get();
    }

    /**
     * Stops the threads after their current call and returns every call, ordered by when it returned.
     *
     * @throws AssertionError if a thread is still in a call after {@code timeout} (it is left running, named)
     */
    List<Call> stop(Duration timeout) {
        running = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while stopping " + name, e);
            }
            if (t.isAlive()) {
                StringBuilder stack = new StringBuilder();
                for (StackTraceElement e : t.getStackTrace()) {
                    stack.append("\n\tat ").append(e);
                }
                throw new AssertionError(t.getName() + " is still in a call " + timeout.toSeconds() + " s after the stop:"
                        + stack);
            }
        }
        List<Call> all = new ArrayList<>();
        calls.forEach(all::addAll);
        all.sort(Comparator.comparingLong(Call::end));
        return all;
    }
}
