package dev.pgkeeper.internal.pool;

import com.zaxxer.hikari.HikariCredentialsProvider;
import com.zaxxer.hikari.util.Credentials;
import dev.pgkeeper.DatabaseCredentials;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.internal.config.CredentialSource;

/**
 * HikariCP's credentials hook, which it calls before each new physical connection, fed from pgkeeper's
 * {@link CredentialSource}: a rotated password file or a provider's new token is used from the next login on.
 * When the source fails (the file is gone, the provider threw), the pool's attempt fails with that
 * {@link DatabaseError} ({@code AUTH_FAILED}), which HikariCP keeps as the cause of the calls it cannot serve, and
 * the manager is told as it is of a refused login.
 *
 * <p>Thread-safe.
 */
final class PoolCredentials implements HikariCredentialsProvider {

    private final CredentialSource source;
    private final Runnable onRefused;

    /** @param onRefused told when the source cannot give credentials */
    PoolCredentials(CredentialSource source, Runnable onRefused) {
        this.source = source;
        this.onRefused = onRefused;
    }

    @Override
    public Credentials getCredentials() {
        DatabaseCredentials c;
        try {
            c = source.current();
        } catch (DatabaseError e) {
            onRefused.run();
            throw e;
        }
        // HikariCP calls getConnection() without credentials when the user is null: an empty one keeps the password.
        return Credentials.of(c.user() == null ? "" : c.user(), c.password());
    }

    @Override
    public String toString() {
        return "PoolCredentials[" + source.description() + "]";
    }
}
