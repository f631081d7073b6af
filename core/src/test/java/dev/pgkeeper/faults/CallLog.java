package dev.pgkeeper.faults;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every call made by a fault test's load threads: when it began and ended, and how it failed. Figures are
 * computed over the calls that began in a window (after an outage was detected, say), so calls that were
 * already stuck when the window opened do not blur what the window is about. Thread-safe.
 */
final class CallLog {

    /** One call; {@code error} is {@code null} when it succeeded. */
    record Call(int worker, long startNanos, long endNanos, String error) {

        boolean ok() {
            return error == null;
        }

        double millis() {
            return (endNanos - startNanos) / 1e6;
        }

        /** Milliseconds from {@code originNanos} to this call's start. */
        double beganAtMillis(long originNanos) {
            return (startNanos - originNanos) / 1e6;
        }
    }

    /** The work of one call. */
    @FunctionalInterface
    interface Body {
        void call(int worker) throws Exception;
    }

    private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();

    /** Runs one call of {@code worker}, records it, and says whether it succeeded. Never throws. */
    boolean time(int worker, Body body) {
        long start = System.nanoTime();
        String error = null;
        try {
            body.call(worker);
        } catch (SQLException e) {
            error = e.getClass().getSimpleName() + "[" + e.getSQLState() + "]: " + e.getMessage();
        } catch (Exception e) {
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        calls.add(new Call(worker, start, System.nanoTime(), error));
        return error == null;
    }

    List<Call> all() {
        return List.copyOf(calls);
    }

    /** Calls that began at or after {@code fromNanos} and before {@code toNanos}. */
    List<Call> beganBetween(long fromNanos, long toNanos) {
        return calls.stream().filter(c -> c.startNanos() - fromNanos >= 0 && c.startNanos() - toNanos < 0).toList();
    }

    /** Nearest-rank percentile ({@code p} in 0..100) of the calls' durations in milliseconds; 0 for none. */
    static double percentile(List<Call> of, double p) {
        if (of.isEmpty()) {
            return 0;
        }
        List<Double> sorted = new ArrayList<>(of.stream().map(Call::millis).toList());
        sorted.sort(Comparator.naturalOrder());
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    static double max(List<Call> of) {
        return of.stream().mapToDouble(Call::millis).max().orElse(0);
    }

    /** p50/p99/max and counts, for a report line. */
    static String summary(List<Call> of) {
        long failed = of.stream().filter(c -> !c.ok()).count();
        return String.format("n=%d (failed %d) p50=%.1f ms p99=%.1f ms max=%.1f ms",
                of.size(), failed, percentile(of, 50), percentile(of, 99), max(of));
    }
}
