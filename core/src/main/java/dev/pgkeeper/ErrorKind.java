package dev.pgkeeper;

/**
 * Whether trying the same thing again later can succeed.
 */
public enum ErrorKind {
    /** The cause may go away on its own (server restarting, network blip, pool busy): retrying is reasonable. */
    TEMPORARY,
    /** The cause stays until someone changes something (password, database name, SQL, data): do not retry. */
    PERMANENT
}
