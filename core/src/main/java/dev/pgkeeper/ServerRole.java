package dev.pgkeeper;

/** Whether the server that answered accepts writes. */
public enum ServerRole {
    /** A primary: {@code pg_is_in_recovery()} is false. */
    PRIMARY,
    /** A hot standby: {@code pg_is_in_recovery()} is true; writes fail with READ_ONLY_TRANSACTION. */
    STANDBY,
    /** Not known, because the check did not reach the server. */
    UNKNOWN
}
