package dev.pgkeeper;

import java.util.Objects;

/**
 * A role name and password for one new connection, as a {@link CredentialsProvider} returns them.
 * {@link #toString()} never shows the password.
 *
 * @param user     the role to log in as, or {@code null} to use the user named in {@code DATABASE_URL}
 * @param password the password (or token) to log in with; never {@code null}
 */
public record DatabaseCredentials(String user, String password) {

    /**
     * Checks that there is a password.
     *
     * @param user     the role to log in as, or {@code null} to use the user named in {@code DATABASE_URL}
     * @param password the password (or token) to log in with
     * @throws NullPointerException if {@code password} is {@code null}
     */
    public DatabaseCredentials {
        Objects.requireNonNull(password, "password: a CredentialsProvider must return a password");
    }

    /**
     * Credentials for the user named in {@code DATABASE_URL}.
     *
     * @param password the password (or token); never {@code null}
     * @return credentials with no user of their own
     * @throws NullPointerException if {@code password} is {@code null}
     */
    public static DatabaseCredentials password(String password) {
        return new DatabaseCredentials(null, password);
    }

    /** The user and a masked password, e.g. {@code DatabaseCredentials[user=app, password=****]}. */
    @Override
    public String toString() {
        return "DatabaseCredentials[user=" + user + ", password=****]";
    }
}
