package dev.pgkeeper.internal.errors;

/**
 * Where a manager connects, for error messages and troubleshooting steps. Never holds a password.
 *
 * @param hosts        {@code host:port} pairs joined by commas, IPv6 hosts in brackets, e.g.
 *                     {@code "db1:5432,[::1]:5433"}; {@code "unknown host"} when not known
 * @param database     database name, or {@code null} when not known
 * @param user         role name, or {@code null} when not known
 * @param sanitizedUrl the URL with any password masked, or {@code null} when not known
 * @param passwordSource where the password comes from, for troubleshooting steps: {@code DATABASE_URL},
 *                       {@code DB_PASSWORD_FILE (/path)} or the credentials provider; {@code null} when not known
 */
public record ConnectionTarget(String hosts, String database, String user, String sanitizedUrl, String passwordSource) {

    /** A target whose password source is not known (taken to be {@code DATABASE_URL}). */
    public ConnectionTarget(String hosts, String database, String user, String sanitizedUrl) {
        this(hosts, database, user, sanitizedUrl, null);
    }

    /** Used when an error is categorized without knowing the configuration. */
    public static final ConnectionTarget UNKNOWN = new ConnectionTarget("unknown host", null, null, null);
}
