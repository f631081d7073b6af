package dev.pgkeeper;

import dev.pgkeeper.internal.url.ConnectionUrl;
import dev.pgkeeper.internal.url.ConnectionUrl.HostPort;
import dev.pgkeeper.internal.url.SecretMasker;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks and masks database URLs ({@code DATABASE_URL}) before they are used or shown.
 *
 * <p>Accepted URLs are libpq URIs, {@code postgresql://user:p%40ss@db1:5432,db2:5432/mydb?sslmode=require}
 * (also {@code postgres://}), with percent-encoding, IPv6 hosts in brackets and several hosts, and JDBC
 * URLs, {@code jdbc:postgresql://db1:5432/mydb?sslmode=require}.
 *
 * <p>Every method is a pure function: it never throws, whatever the input (including {@code null}),
 * returns the same result for the same input, reads no environment, and is safe to call from any
 * number of threads.
 */
public final class DatabaseUrls {

    private static final Set<String> UNENCRYPTED_SSL_MODES = Set.of("disable", "allow", "prefer");

    private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "::1");

    private DatabaseUrls() {
    }

    /**
     * Checks a database URL for this process's environment: with the production warnings when the
     * environment variable {@code APP_ENV} is {@code production} (any case), as
     * {@link DatabaseConfig#isProduction()} decides. Deterministic for a given environment; call
     * {@link #validateDatabaseUrl(String, boolean)} to choose explicitly.
     *
     * @param url the URL to check; may be {@code null} (which is an error in the result, not an exception)
     * @return whether the URL can be used, with every error and warning; messages never contain the password
     */
    public static ValidationResult validateDatabaseUrl(String url) {
        return validateDatabaseUrl(url, isProduction(System.getenv(DatabaseConfig.APP_ENV)));
    }

    private static boolean isProduction(String appEnv) {
        return appEnv != null && appEnv.trim().equalsIgnoreCase("production");
    }

    /**
     * Checks a database URL. Errors make it unusable: a missing or unsupported scheme, no host, a bad
     * port, broken percent-encoding, illegal characters, a {@code #fragment}, a bad value for a known
     * parameter such as {@code sslmode}. Warnings do not: no database name, a parameter that is ignored.
     * In production mode a usable URL also gets warnings when it does not insist on TLS ({@code sslmode}
     * missing, {@code disable}, {@code allow} or {@code prefer}) or points at the local machine.
     *
     * <p>Each message says what is wrong, where, and how to fix it; messages come in a stable order and
     * never contain the password.
     *
     * @param url        the URL to check; may be {@code null} (which is an error in the result, not an exception)
     * @param production {@code true} to add the production warnings
     * @return whether the URL can be used, with every error and warning
     */
    public static ValidationResult validateDatabaseUrl(String url, boolean production) {
        ConnectionUrl.ParseResult parsed = ConnectionUrl.parse(url);
        List<String> warnings = new ArrayList<>(parsed.warnings());
        if (production && parsed.isValid()) {
            warnings.addAll(productionWarnings(parsed.url()));
        }
        return new ValidationResult(parsed.isValid(), parsed.errors(), warnings);
    }

    /**
     * Masks the password in a database URL so that it can be logged or shown, keeping the rest as written:
     * {@code postgresql://app:s3cret@db/orders} becomes {@code postgresql://app:****@db/orders}. Masks the
     * password in the user info, and the value of {@code password=}, {@code sslpassword=} and other secret
     * parameters in any letter case, in URLs of any scheme, in URLs too broken to parse (for example with an
     * unencoded {@code '@'} or {@code '/'} in the password) and in libpq keyword/value strings
     * ({@code host=db password='s3cret'}). When unsure where a password ends, it masks more rather than less.
     * An empty password stays empty. Sanitizing the result again changes nothing. pgkeeper applies the same
     * rules to every message, troubleshooting step and configuration error it writes.
     *
     * @param url any text; may be {@code null}
     * @return the text with every password replaced by {@code ****}; {@code ""} for {@code null}
     */
    public static String sanitizeUrl(String url) {
        return url == null ? "" : SecretMasker.mask(url);
    }

    private static List<String> productionWarnings(ConnectionUrl url) {
        List<String> warnings = new ArrayList<>();
        String sslMode = url.parameters().get("sslmode");
        // pgjdbc's ssl=true without sslmode means verify-full.
        boolean jdbcSsl = url.form() == ConnectionUrl.Form.JDBC && "true".equals(url.parameters().get("ssl"));
        if (sslMode == null && !jdbcSsl) {
            warnings.add("The database URL sets no sslmode, so the connection may not be encrypted; add "
                    + "sslmode=require, or sslmode=verify-full to also verify the server's certificate.");
        } else if (sslMode != null && UNENCRYPTED_SSL_MODES.contains(sslMode)) {
            warnings.add("sslmode=" + sslMode + " lets traffic go unencrypted; use sslmode=require, or "
                    + "sslmode=verify-full to also verify the server's certificate.");
        }
        url.hosts().stream()
                .map(HostPort::host)
                .filter(host -> LOOPBACK_HOSTS.contains(host.toLowerCase(Locale.ROOT)))
                .distinct()
                .forEach(host -> warnings.add("Host '" + host + "' is this machine, so this is probably a "
                        + "development URL; in production, name the database server."));
        return warnings;
    }
}
