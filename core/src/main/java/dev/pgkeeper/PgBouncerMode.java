package dev.pgkeeper;

/**
 * Whether the URL leads to PgBouncer rather than to PostgreSQL itself, and in which pooling mode
 * ({@code DB_PGBOUNCER}). PgBouncer in transaction mode hands each transaction to whichever server connection
 * is free, so nothing may rely on the session: no server-side prepared statements, no session settings.
 */
public enum PgBouncerMode {
    /** No PgBouncer (or one in session mode that needs nothing special): the default. */
    OFF,
    /**
     * PgBouncer in session pooling mode: one server connection per client connection, as with PostgreSQL
     * itself. Nothing changes but the name in the status; set it to document the setup.
     */
    SESSION,
    /**
     * PgBouncer in transaction pooling mode: pgjdbc never prepares statements on the server
     * ({@code prepareThreshold=0}; PgBouncer 1.18 cannot carry protocol-level prepared statements from one
     * transaction to the next), and a statement timeout, which would be a session setting sent as the
     * {@code options} startup parameter, is refused as a configuration error.
     */
    TRANSACTION
}
