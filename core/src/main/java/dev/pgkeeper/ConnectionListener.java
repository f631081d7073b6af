package dev.pgkeeper;

/**
 * Receives {@link ConnectionEvent}s, for logging or metrics. Register with
 * {@link ConnectionManager#addListener(ConnectionListener)}.
 *
 * <p>Events are delivered one at a time, in the order they happened, on the manager's event thread
 * ({@code pgkeeper-<name>-events}), and never while the manager holds a lock, so a listener may call the
 * manager. A listener that blocks delays the events after it. An exception thrown by a listener is logged
 * and otherwise ignored.
 */
@FunctionalInterface
public interface ConnectionListener {

    /**
     * Called after the manager's state has changed.
     *
     * @param event what changed; never {@code null}
     */
    void onEvent(ConnectionEvent event);
}
