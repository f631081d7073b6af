package dev.pgkeeper.mybatis.ha;

import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * One client's figures for one run of a scenario, as issue 10 names them:
 * {@code acked= failed= lost= unknown_marked= failed_but_committed_unmarked= first_write_after_promotion_ms=
 * outage_ms= max_call_ms=}.
 *
 * <ul>
 *   <li>{@code lost}: acknowledged writes missing on the new primary afterwards.
 *   <li>{@code unknown_marked}: failures marked outcome unknown (plain JDBC cannot mark any).
 *   <li>{@code failed_but_committed_unmarked}: failed writes present on the new primary but not marked unknown.
 *   <li>{@code first_write_after_promotion_ms}: the first acknowledged call after the moment of reference (the
 *       new leader became writable; for reads, the killed replica answered again) minus that moment; 0 when the
 *       client beat the watch that finds the moment; -1 when there is none (for reads: when reads never failed).
 *   <li>{@code outage_ms}: the longest time between two consecutive acknowledgements with a failure between
 *       them (with a single outage: from the last acknowledgement before the first failure to the first one
 *       after); 0 when nothing failed.
 *   <li>{@code max_call_ms}: the longest single call, failed or not.
 * </ul>
 */
record HaFigures(long acked, long failed, long lost, long unknownMarked, long failedButCommittedUnmarked,
                 long firstAfterMs, long outageMs, long maxCallMs) {

    /**
     * Figures of a write load.
     *
     * @param calls      every call, ordered by end
     * @param committed  the keys ({@link Call#key()}) found on the new primary afterwards
     * @param notBefore  the earliest a write on the new leader can have returned (the watch's last look at it
     *                   before it became writable)
     * @param writableAt the estimated moment the new leader became writable
     */
    static HaFigures writes(List<Call> calls, Set<Long> committed, long notBefore, long writableAt) {
        long acked = calls.stream().filter(Call::ok).count();
        long lost = calls.stream().filter(c -> c.ok() && !committed.contains(c.key())).count();
        long unknown = calls.stream().filter(c -> !c.ok() && c.unknown()).count();
        long unmarked = calls.stream().filter(c -> !c.ok() && !c.unknown() && committed.contains(c.key())).count();
        long first = firstAckEnd(calls, notBefore);
        long firstMs = first == Long.MIN_VALUE ? -1 : Math.max(0, first - writableAt) / 1_000_000;
        return new HaFigures(acked, calls.size() - acked, lost, unknown, unmarked, firstMs, outageMs(calls),
                maxCallMs(calls));
    }

    /** Figures of a read load: nothing can be lost or committed; {@code backAt} is when the replica answered again. */
    static HaFigures reads(List<Call> calls, long backAt) {
        long acked = calls.stream().filter(Call::ok).count();
        long unknown = calls.stream().filter(c -> !c.ok() && c.unknown()).count();
        long first = firstAckEnd(calls, backAt);
        long firstMs = acked == calls.size() || first == Long.MIN_VALUE ? -1 : (first - backAt) / 1_000_000;
        return new HaFigures(acked, calls.size() - acked, 0, unknown, 0, firstMs, outageMs(calls), maxCallMs(calls));
    }

    /** When the first acknowledged call that returned after {@code after} returned, or {@link Long#MIN_VALUE}. */
    static long firstAckEnd(List<Call> calls, long after) {
        return calls.stream().filter(c -> c.ok() && c.end() > after).mapToLong(Call::end).min().orElse(Long.MIN_VALUE);
    }

    private static long outageMs(List<Call> calls) {
        long longest = 0;
        long lastAck = calls.isEmpty() ? 0 : calls.get(0).start();
        boolean failedSince = false;
        for (Call c : calls) { // ordered by end
            if (!c.ok()) {
                failedSince = true;
            } else {
                if (failedSince) {
                    longest = Math.max(longest, c.end() - lastAck);
                }
                lastAck = c.end();
                failedSince = false;
            }
        }
        if (failedSince) { // never recovered: the outage lasts until the end of the run
            longest = Math.max(longest, calls.get(calls.size() - 1).end() - lastAck);
        }
        return longest / 1_000_000;
    }

    private static long maxCallMs(List<Call> calls) {
        return calls.stream().mapToLong(Call::millis).max().orElse(0);
    }

    /** The median of each figure on its own (for three runs, the middle value). */
    static HaFigures median(List<HaFigures> runs) {
        return new HaFigures(median(runs, HaFigures::acked), median(runs, HaFigures::failed), median(runs, HaFigures::lost),
                median(runs, HaFigures::unknownMarked), median(runs, HaFigures::failedButCommittedUnmarked),
                median(runs, HaFigures::firstAfterMs), median(runs, HaFigures::outageMs), median(runs, HaFigures::maxCallMs));
    }

    private static long median(List<HaFigures> runs, ToLongFunction<HaFigures> figure) {
        long[] values = runs.stream().mapToLong(figure).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    /** {@code HA <scenario> <client> <label> acked=... max_call_ms=...}; the label is {@code runN} or {@code median}. */
    String line(String scenario, String client, String label) {
        return String.format("HA %s %s %s acked=%d failed=%d lost=%d unknown_marked=%d failed_but_committed_unmarked=%d "
                        + "first_write_after_promotion_ms=%d outage_ms=%d max_call_ms=%d", scenario, client, label, acked,
                failed, lost, unknownMarked, failedButCommittedUnmarked, firstAfterMs, outageMs, maxCallMs);
    }
}
