package dev.pgkeeper.internal.pool;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A connection a probe just opened and proved, offered once to the pool the manager installs next, so that
 * the first call after an outage does not wait for a second login. Exactly one party ends up owning it:
 * whoever {@link #take takes} it, or {@link #close()}, which closes it if nobody did.
 *
 * <p>Thread-safe.
 */
public final class WarmConnection implements AutoCloseable {

    /** Older than this, a connection is not handed over: a firewall or the server may have dropped it. */
    static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private static final WarmConnection NONE = new WarmConnection(null);

    private final AtomicReference<Connection> connection;
    private final long openedAt = System.nanoTime();

    private WarmConnection(Connection connection) {
        this.connection = new AtomicReference<>(connection);
    }

    /** Holds {@code connection} until it is taken or closed. */
    static WarmConnection of(Connection connection) {
        return new WarmConnection(connection);
    }

    /** Nothing to hand over. */
    public static WarmConnection none() {
        return NONE;
    }

    /**
     * Takes the connection if it is still fresh; closes a stale one.
     *
     * @return the connection, now the caller's, or {@code null}
     */
    Connection take() {
        Connection c = connection.getAndSet(null);
        if (c != null && System.nanoTime() - openedAt > MAX_AGE_NANOS) {
            closeQuietly(c);
            return null;
        }
        return c;
    }

    /** Closes the connection unless it was taken. */
    @Override
    public void close() {
        Connection c = connection.getAndSet(null);
        if (c != null) {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // a connection nobody used; the server ends the session either way
        }
    }
}
