package dev.pgkeeper.internal;

import java.time.Instant;

/**
 * What a successful probe learned.
 *
 * @param serverStartedAt {@code pg_postmaster_start_time()} of the server that answered; a change means
 *                        the server restarted or another host answered, so pooled connections are stale
 * @param latencyNanos    time from the start of the connection attempt to the answer
 */
public record ProbeResult(Instant serverStartedAt, long latencyNanos) {
}
