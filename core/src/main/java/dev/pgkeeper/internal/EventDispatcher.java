package dev.pgkeeper.internal;

import dev.pgkeeper.ConnectionEvent;
import dev.pgkeeper.ConnectionListener;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Delivers connection events to listeners, in order, on the manager's event thread, so that a listener
 * never runs while the manager holds a lock and may call back into the manager. When there is no event
 * thread (the manager is shut down) events are delivered on the calling thread.
 *
 * <p>Thread-safe.
 */
public final class EventDispatcher {

    private static final Logger LOG = LogManager.getLogger(EventDispatcher.class);

    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();

    /** Adds a listener. */
    public void add(ConnectionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a listener; does nothing if it is not registered. */
    public void remove(ConnectionListener listener) {
        listeners.remove(listener);
    }

    /** Queues {@code event} on {@code executor}, or delivers it now when the executor is {@code null} or shut down. */
    public void publish(ConnectionEvent event, Executor executor) {
        if (listeners.isEmpty()) {
            return;
        }
        if (executor != null) {
            try {
                executor.execute(() -> deliver(event));
                return;
            } catch (RejectedExecutionException e) {
                // shutting down: deliver on this thread rather than lose the event
            }
        }
        deliver(event);
    }

    private void deliver(ConnectionEvent event) {
        for (ConnectionListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException | LinkageError | AssertionError e) {
                LOG.warn("Connection listener {} failed on {}", l, event.type(), e);
            }
        }
    }
}
