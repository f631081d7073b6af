package dev.pgkeeper.internal.errors;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Every throwable reachable from one exception, outermost first: its {@linkplain Throwable#getCause()
 * causes} and, for {@link SQLException}s, their {@linkplain SQLException#getNextException() next
 * exceptions}. MyBatis, HikariCP and pgjdbc each wrap, and HikariCP hangs the real connection failure
 * on both links, so both are followed.
 *
 * <p>The walk is breadth-first, so links come in order of depth (the wrapped exception has depth 0);
 * a throwable reached twice is listed once, which ends cycles; and it stops at
 * {@value #MAX_DEPTH} levels and {@value #MAX_LINKS} throwables. Suppressed exceptions are not
 * followed: they record secondary failures (a failed close, an earlier attempt), not the cause.
 */
final class ThrowableChain {

    /** Deepest level walked; real chains are rarely deeper than ten. */
    static final int MAX_DEPTH = 32;

    /** Most throwables walked, which bounds long next-exception lists of batch updates. */
    static final int MAX_LINKS = 64;

    /**
     * One throwable of the chain.
     *
     * @param throwable the throwable; never {@code null}
     * @param depth     0 for the wrapped exception, 1 for its cause or next exception, and so on
     */
    record Link(Throwable throwable, int depth) {
    }

    private ThrowableChain() {
    }

    /**
     * Walks the chain of {@code root}.
     *
     * @param root the outermost throwable, or {@code null}
     * @return the links, outermost first; empty when {@code root} is {@code null}; unmodifiable
     */
    static List<Link> walk(Throwable root) {
        if (root == null) {
            return List.of();
        }
        List<Link> links = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Link> queue = new ArrayDeque<>();
        queue.add(new Link(root, 0));
        seen.add(root);
        while (!queue.isEmpty() && links.size() < MAX_LINKS) {
            Link link = queue.poll();
            links.add(link);
            if (link.depth() == MAX_DEPTH) {
                continue;
            }
            for (Throwable next : successors(link.throwable())) {
                if (next != null && seen.add(next)) {
                    queue.add(new Link(next, link.depth() + 1));
                }
            }
        }
        return List.copyOf(links);
    }

    private static List<Throwable> successors(Throwable throwable) {
        Throwable cause = throwable.getCause();
        if (throwable instanceof SQLException sql) {
            return Arrays.asList(cause, sql.getNextException());
        }
        return Collections.singletonList(cause);
    }
}
