package dev.pgkeeper.internal.lifecycle;

import java.util.concurrent.CompletableFuture;

/**
 * One probe of a session and what the requests that share it asked of it, settled when its outcome is
 * applied ({@link #seal()}); see {@link Watcher}. Thread-safe.
 */
final class Probe {
    final Session session;
    final long startedAt = System.nanoTime();
    final CompletableFuture<Watcher.Outcome> done = new CompletableFuture<>();
    private boolean sealed;
    private boolean failureSeen;
    private boolean replacePool;
    private boolean handOver;
    private boolean fromLoop;

    Probe(Session session) {
        this.session = session;
    }

    /** Adds a request to this probe, unless its outcome is being applied already. */
    synchronized boolean join(Request r) {
        if (sealed) {
            return false;
        }
        failureSeen |= r.failureSeen;
        replacePool |= r.replacePool;
        handOver |= r.handOver;
        fromLoop |= r.fromLoop;
        return true;
    }

    /** Stops accepting requests; returns them all. */
    synchronized Request seal() {
        sealed = true;
        return new Request(failureSeen, replacePool, handOver, fromLoop);
    }

    /**
     * What a request wants.
     *
     * @param failureSeen a pooled connection failed at the connection level: a failed probe confirms the loss
     * @param replacePool install a new pool even when connected ({@code reconnect()})
     * @param handOver    a call waits to borrow: hand the probe's connection to a new pool even if it keeps no
     *                    idle connections
     * @param fromLoop    the periodic tick asked: announce a failure as RETRYING
     */
    record Request(boolean failureSeen, boolean replacePool, boolean handOver, boolean fromLoop) {
        static final Request PLAIN = new Request(false, false, false, false);
    }
}
