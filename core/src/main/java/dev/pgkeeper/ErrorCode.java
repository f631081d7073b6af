package dev.pgkeeper;

/**
 * What went wrong, as a stable code an application can switch on. Each code has a fixed
 * {@link ErrorKind}: temporary codes are worth retrying, permanent ones are not.
 *
 * <p>The first eight codes are the connection-level categories; the rest describe query-level failures
 * that applications must treat differently (retry a serialization failure, report a unique violation to
 * the user) and pgkeeper's own usage errors.
 */
public enum ErrorCode {
    /**
     * The server could not be reached or the connection broke: refused, timed out, reset, server shutting down
     * or starting (SQLState 08xxx, 57P01–57P03), except a refused startup parameter, which is a
     * {@link #CONFIGURATION_ERROR}.
     */
    NETWORK_ERROR(ErrorKind.TEMPORARY),
    /** No connection was free within the connection timeout, or the server has no connection slots left (53300). */
    POOL_EXHAUSTED(ErrorKind.TEMPORARY),
    /** The host name could not be resolved. */
    DNS_ERROR(ErrorKind.TEMPORARY),
    /** The server rejected the credentials or the role (28P01, 28000). */
    AUTH_FAILED(ErrorKind.PERMANENT),
    /** The database named in the URL does not exist (3D000). */
    DATABASE_NOT_FOUND(ErrorKind.PERMANENT),
    /** TLS could not be set up: the server has no SSL while it is required, or a certificate was refused. */
    SSL_ERROR(ErrorKind.PERMANENT),
    /** The SQL does not match the schema: missing table, column, function or schema, a syntax error, a mapping or migration problem (class 42, 3F000). */
    SCHEMA_ERROR(ErrorKind.PERMANENT),
    /** Anything not recognised; treated as temporary so that a retry policy may still try again. */
    UNKNOWN_ERROR(ErrorKind.TEMPORARY),

    /** A serializable transaction could not be serialized (40001); run the whole transaction again. */
    SERIALIZATION_FAILURE(ErrorKind.TEMPORARY),
    /** The transaction was chosen as a deadlock victim (40P01); run the whole transaction again. */
    DEADLOCK_DETECTED(ErrorKind.TEMPORARY),
    /** The statement was canceled, usually by {@code statement_timeout} or a cancel request (57014). */
    QUERY_CANCELED(ErrorKind.TEMPORARY),
    /** A write reached a read-only transaction or a standby (25006), typical right after a failover. */
    READ_ONLY_TRANSACTION(ErrorKind.TEMPORARY),
    /** A unique or primary-key constraint was violated (23505). */
    UNIQUE_VIOLATION(ErrorKind.PERMANENT),
    /** A foreign-key constraint was violated (23503). */
    FOREIGN_KEY_VIOLATION(ErrorKind.PERMANENT),
    /** A check constraint was violated (23514). */
    CHECK_VIOLATION(ErrorKind.PERMANENT),
    /** A NOT NULL constraint was violated (23502). */
    NOT_NULL_VIOLATION(ErrorKind.PERMANENT),
    /** Any other integrity constraint was violated (other 23xxx, such as exclusion constraints). */
    CONSTRAINT_VIOLATION(ErrorKind.PERMANENT),
    /** A value was not acceptable: bad input syntax, out of range, too long, division by zero (class 22). */
    DATA_ERROR(ErrorKind.PERMANENT),
    /** The role lacks a privilege on the object (42501). */
    PERMISSION_DENIED(ErrorKind.PERMANENT),

    /**
     * The configuration is wrong: pgkeeper's own (the message lists every problem), or a startup parameter
     * that the server or a connection pooler refuses (SQLState 08P01 "unsupported startup parameter", as
     * PgBouncer sends it; the steps name the parameter and the fixes).
     */
    CONFIGURATION_ERROR(ErrorKind.PERMANENT),
    /** pgkeeper was used before {@code initializeConnection()} or after {@code disconnect()}. */
    NOT_INITIALIZED(ErrorKind.PERMANENT);

    private final ErrorKind kind;

    ErrorCode(ErrorKind kind) {
        this.kind = kind;
    }

    /**
     * Whether errors with this code are temporary or permanent.
     *
     * @return the kind of this code
     */
    public ErrorKind kind() {
        return kind;
    }

    /**
     * {@code true} when retrying later can succeed.
     *
     * @return {@code true} for a temporary code
     */
    public boolean isTemporary() {
        return kind == ErrorKind.TEMPORARY;
    }
}
