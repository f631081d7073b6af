package dev.pgkeeper.mybatis.ha;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.mybatis.fixtures.Causes;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One call of a {@link Load}: who made it, when ({@link System#nanoTime()}), and how it ended. A failure is kept as
 * the facts the figures need, not as the exception, so that thousands of fast failures stay cheap.
 *
 * @param thread    the load's thread number, 0-based
 * @param seq       the thread's call number, 1-based; {@code (thread, seq)} is the write's key
 * @param start     when the call began
 * @param end       when it returned or threw
 * @param port      for reads, the port of the server that answered; 0 when unknown or failed
 * @param ok        whether it returned normally
 * @param unknown   whether its failure was marked {@linkplain DatabaseError#isOutcomeUnknown() outcome unknown}
 * @param sqlStates every SQLState in the failure's cause chain, outermost first; empty on success
 * @param summary   the failure's type, pgkeeper's error code and first SQLState, for counting; empty on success
 */
record Call(int thread, long seq, long start, long end, int port, boolean ok, boolean unknown, Set<String> sqlStates,
            String summary) {

    static Call succeeded(int thread, long seq, long start, long end, int port) {
        return new Call(thread, seq, start, end, port, true, false, Set.of(), "");
    }

    static Call failed(int thread, long seq, long start, long end, Throwable failure) {
        Set<String> states = new LinkedHashSet<>();
        boolean unknown = false;
        String code = "";
        for (Throwable t : Causes.chain(failure)) {
            if (t instanceof DatabaseError e) {
                unknown |= e.isOutcomeUnknown();
                code = code.isEmpty() ? "(" + e.code() + ")" : code;
                if (e.sqlState() != null) {
                    states.add(e.sqlState());
                }
            } else if (t instanceof SQLException e && e.getSQLState() != null) {
                states.add(e.getSQLState());
            }
        }
        String summary = failure.getClass().getSimpleName() + code + ":" + states.stream().findFirst().orElse("-");
        return new Call(thread, seq, start, end, 0, false, unknown, Collections.unmodifiableSet(states), summary);
    }

    /** The write's key as {@link FailoverFiguresIT} stores it: {@code writer * 10^9 + seq}. */
    long key() {
        return key(thread, seq);
    }

    static long key(int writer, long seq) {
        return writer * 1_000_000_000L + seq;
    }

    long millis() {
        return (end - start) / 1_000_000;
    }
}
