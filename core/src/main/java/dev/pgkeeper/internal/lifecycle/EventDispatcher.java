package dev.pgkeeper.internal.lifecycle;

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
 * The listeners of one manager. Events are queued on a session's single event thread, in the order the
 * {@link StateMachine} applied their transitions, and delivered there, never on the thread that caused them:
 * so a listener never runs while the manager holds a lock, may call the manager, and sees every event of a
 * session in order. A listener that throws is logged and the others still get the event.
 *
 * <p>Thread-safe.
 */
final class EventDispatcher {

    private static final Logger LOG = LogManager.getLogger(EventDispatcher.class);

    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();

    void add(ConnectionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void remove(ConnectionListener listener) {
        listeners.remove(listener);
    }

    /**
     * Queues {@code event} on {@code thread}. Cheap and non-blocking, so the state machine calls it while
     * applying the transition, which is what keeps events in order. A session's event thread is shut down
     * only after its last transition (DISCONNECTED) was queued, so nothing is refused that a listener should see.
     */
    void publish(ConnectionEvent event, Executor thread) {
        try {
            thread.execute(() -> deliver(event));
        } catch (RejectedExecutionException e) {
            LOG.debug("Event {} not delivered: the session has ended", event.type());
        }
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
