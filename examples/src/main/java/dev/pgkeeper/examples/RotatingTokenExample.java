package dev.pgkeeper.examples;

import dev.pgkeeper.CredentialsProvider;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseCredentials;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The shape of a {@link CredentialsProvider} for short-lived database tokens: cloud IAM authentication (a token
 * valid 15 minutes, signed locally by the cloud SDK) or Vault's database secrets engine (a user and password with a
 * lease). pgkeeper asks the provider at every new connection; the provider asks the token service only when its
 * cached token is about to expire, so a pool that opens ten connections costs one token request, not ten.
 *
 * <p>No cloud SDK is needed here: {@link TokenService} is the one method an application implements with its SDK,
 * for example {@code RdsUtilities.generateAuthenticationToken(...)} with an expiry of now plus 15 minutes, or a
 * Vault client's {@code read("database/creds/app")} with the lease's duration.
 *
 * <pre>
 * DatabaseConfig config = DatabaseConfig.builder()
 *         .url("postgresql://app@db.internal:5432/orders?sslmode=verify-full&amp;sslrootcert=/etc/ssl/rds-ca.pem")
 *         .credentialsProvider(new RotatingTokenExample.CachingTokenProvider(sdkTokens, Duration.ofMinutes(1)))
 *         .build();
 * </pre>
 */
public final class RotatingTokenExample {

    private RotatingTokenExample() {
    }

    /**
     * What the token service hands out.
     *
     * @param user      the role to log in as, or {@code null} for the user in the URL (IAM tokens); Vault's
     *                  dynamic credentials name a role of their own
     * @param secret    the token or password
     * @param expiresAt when the server stops accepting it
     */
    public record Token(String user, String secret, Instant expiresAt) {

        /**
         * Checks that the token has a secret and an expiry.
         *
         * @param user      the role to log in as, or {@code null} for the user in the URL
         * @param secret    the token or password
         * @param expiresAt when the server stops accepting it
         * @throws NullPointerException if {@code secret} or {@code expiresAt} is {@code null}
         */
        public Token {
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }

        /** The user and expiry; never the secret. */
        @Override
        public String toString() {
            return "Token[user=" + user + ", expiresAt=" + expiresAt + "]";
        }
    }

    /** Asks the token service (a cloud SDK, a Vault client) for a fresh token. */
    @FunctionalInterface
    public interface TokenService {

        /**
         * A fresh token.
         *
         * @return the token; never {@code null}
         * @throws Exception when the service cannot be reached or refuses; pgkeeper reports the login as
         *                   {@code AUTH_FAILED} and tries again later
         */
        Token fetch() throws Exception;
    }

    /**
     * A provider that keeps the last token until {@code refreshEarly} before it expires, then fetches a new one.
     * Thread-safe: pgkeeper and HikariCP may open connections on several threads at once, and only one of them
     * fetches.
     */
    public static final class CachingTokenProvider implements CredentialsProvider {

        private final TokenService service;
        private final Duration refreshEarly;
        private final Clock clock;
        private Token current;

        /**
         * @param service      where tokens come from
         * @param refreshEarly how long before its expiry a token is replaced, e.g. one minute
         */
        public CachingTokenProvider(TokenService service, Duration refreshEarly) {
            this(service, refreshEarly, Clock.systemUTC());
        }

        /** As {@link #CachingTokenProvider(TokenService, Duration)}, reading the time from {@code clock}. */
        public CachingTokenProvider(TokenService service, Duration refreshEarly, Clock clock) {
            this.service = Objects.requireNonNull(service, "service");
            this.refreshEarly = Objects.requireNonNull(refreshEarly, "refreshEarly");
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        @Override
        public synchronized DatabaseCredentials credentials() throws Exception {
            if (current == null || !clock.instant().isBefore(current.expiresAt().minus(refreshEarly))) {
                current = Objects.requireNonNull(service.fetch(), "the token service returned null");
            }
            return new DatabaseCredentials(current.user(), current.secret());
        }
    }

    /**
     * A configuration for {@code url} (which must not hold a password) whose logins use tokens from
     * {@code service}, each replaced a minute before it expires.
     *
     * @param url     the database URL, with the user but without a password
     * @param service where tokens come from
     * @return the configuration
     */
    public static DatabaseConfig config(String url, TokenService service) {
        return DatabaseConfig.builder().url(url)
                .credentialsProvider(new CachingTokenProvider(service, Duration.ofMinutes(1)))
                .build();
    }
}
