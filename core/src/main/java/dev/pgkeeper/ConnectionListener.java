package dev.pgkeeper;

/**
 * Receives {@link ConnectionEvent}s, for logging or metrics. Register with
 * {@link ConnectionManager#addListener(ConnectionListener)}.
 *
 * <p>Listeners are called synchronously on the thread that caused the change, in registration order;
 * keep them fast and non-blocking. An exception thrown by a listener is logged and otherwise ignored.
 */
@FunctionalInterface
public interface ConnectionListener {

    /** Called after the manager's state has changed. */
    void onEvent(ConnectionEvent event);
}
