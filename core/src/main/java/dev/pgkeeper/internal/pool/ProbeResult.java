package dev.pgkeeper.internal.pool;

import dev.pgkeeper.ServerRole;
import dev.pgkeeper.internal.url.ConnectionUrl.HostPort;

/**
 * What a successful probe learned, and the connection it opened. Close it when done: the connection is
 * closed unless a pool took it over.
 *
 * @param server       the server that answered
 * @param role         {@link ServerRole#STANDBY} when it is in recovery or read-only, else {@link ServerRole#PRIMARY}
 * @param lagMillis    a standby's replay lag in milliseconds (0 when it has replayed all it received, -1 when
 *                     not known); 0 for a primary
 * @param host         the host of the URL that answered, when the probe was for one host of several; {@code null}
 *                     when the URL's own host list was used
 * @param latencyNanos time from the start of the connection attempt to the answer
 * @param connection   the probe's connection, for the next pool's first borrower
 */
public record ProbeResult(ServerIdentity server, ServerRole role, long lagMillis, HostPort host, long latencyNanos,
                          WarmConnection connection) implements AutoCloseable {

    @Override
    public void close() {
        connection.close();
    }
}
