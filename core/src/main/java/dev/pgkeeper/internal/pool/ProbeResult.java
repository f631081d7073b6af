package dev.pgkeeper.internal.pool;

/**
 * What a successful probe learned, and the connection it opened. Close it when done: the connection is
 * closed unless a pool took it over.
 *
 * @param server       the server that answered
 * @param latencyNanos time from the start of the connection attempt to the answer
 * @param connection   the probe's connection, for the next pool's first borrower
 */
public record ProbeResult(ServerIdentity server, long latencyNanos, WarmConnection connection) implements AutoCloseable {

    @Override
    public void close() {
        connection.close();
    }
}
