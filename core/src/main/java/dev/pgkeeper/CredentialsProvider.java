package dev.pgkeeper;

/**
 * Where the password comes from when it changes while the application runs: a token service (cloud IAM
 * database tokens), a secrets manager (Vault's dynamic database credentials), anything that can hand out the
 * current credentials. Set it with {@link DatabaseConfig.Builder#credentialsProvider}; then
 * {@code DATABASE_URL} must not hold a password.
 *
 * <p>pgkeeper calls {@link #credentials()} once for every new physical connection it opens: the pool's logins
 * (through HikariCP's own credentials hook) and the probes that find out whether the server is there. It is
 * never called for a connection borrowed from the pool, so its cost is paid per login, not per query. It runs
 * inside the login's time budget ({@code DB_CONNECTION_TIMEOUT}), on pgkeeper's and HikariCP's threads, possibly
 * several at once: it must be thread-safe, and it should return from a cache when it can (refresh a token a
 * minute before it expires, not on every call).
 *
 * <p>When it throws, or the server refuses what it returned (SQLState 28P01 or 28000), the connection attempt
 * fails with {@link ErrorCode#AUTH_FAILED}; while connected, the manager becomes {@link ConnectionPhase#FAILED}
 * and calls fail fast, and pgkeeper asks the provider again at a gentle pace (see the README's "Credentials and
 * TLS") until a login succeeds.
 */
@FunctionalInterface
public interface CredentialsProvider {

    /**
     * The credentials for the next new connection.
     *
     * @return the role (or {@code null} for the user in {@code DATABASE_URL}) and the password; never {@code null}
     * @throws Exception when the credentials cannot be had now; the connection attempt fails with
     *                   {@link ErrorCode#AUTH_FAILED} naming this exception's class and its causes' (not their
     *                   messages, which may quote a secret); log the details yourself if you need them
     */
    DatabaseCredentials credentials() throws Exception;
}
