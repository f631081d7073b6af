package dev.pgkeeper.internal;

import java.time.Instant;

/**
 * What a successful probe learned, and the connection it opened. Close it when done: the connection is
 * closed unless a pool took it over.
 *
 * @param serverStartedAt {@code pg_postmaster_start_time()} of the server that answered; a change means
 *                        the server restarted or another host answered, so pooled connections are stale
 * @param latencyNanos    time from the start of the connection attempt to the answer
 * @param connection      the probe's connection, for the next pool's first borrower
 */
public record ProbeResult(Instant serverStartedAt, long latencyNanos, WarmConnection connection)
        implements AutoCloseable {

    @Override
    public void close() {
        connection.close();
    }
}
