package dev.pgkeeper;

/**
 * Static shortcuts to the process-wide {@link ConnectionManager}, for code written against the original
 * design's module-level functions. Each behaves exactly as the manager method it names.
 *
 * <p>Thread-safe.
 */
public final class Database {

    private Database() {
    }

    /**
     * The process-wide manager: {@link ConnectionManager#getInstance()}.
     *
     * @return the process-wide manager, the same instance on every call
     * @throws DatabaseError with {@link ErrorCode#CONFIGURATION_ERROR} when the environment is invalid
     */
    public static ConnectionManager getConnectionManager() {
        return ConnectionManager.getInstance();
    }

    /**
     * {@link ConnectionManager#disconnect()} on the process-wide manager, if it was ever created; does not
     * create one just to disconnect it.
     */
    public static void disconnectDatabase() {
        ConnectionManager manager = ConnectionManager.existingInstance();
        if (manager != null) {
            manager.disconnect();
        }
    }
}
