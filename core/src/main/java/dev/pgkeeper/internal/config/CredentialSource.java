package dev.pgkeeper.internal.config;

import dev.pgkeeper.CredentialsProvider;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseCredentials;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Where the credentials of each new physical connection come from: the URL (fixed), a password file read again
 * for every login ({@code DB_PASSWORD_FILE}), or the application's {@link CredentialsProvider}. Pool logins ask it
 * through HikariCP's credentials hook, probes directly.
 *
 * <p>It also remembers the last password the server refused (as a digest, not the text), so that after an
 * authentication failure the manager can tell whether trying again could help: for a file, whether its content
 * changed since ({@link #changedSinceRefused()}).
 *
 * <p>Thread-safe.
 */
public final class CredentialSource {

    private final String urlUser;
    private final String urlPassword;
    private final Path file;
    private final CredentialsProvider provider;
    private final String description;
    /** Digest of the password the server refused last, or {@code null}. */
    private volatile byte[] refused;
    /** The password file's modification time, size and identity when its content was last compared; or {@code null}. */
    private volatile FileStamp compared;

    private CredentialSource(String urlUser, String urlPassword, Path file, CredentialsProvider provider) {
        this.urlUser = urlUser;
        this.urlPassword = urlPassword;
        this.file = file;
        this.provider = provider;
        this.description = file != null ? DatabaseConfig.DB_PASSWORD_FILE + " (" + file + ")"
                : provider != null ? "the credentials provider" : "DATABASE_URL";
    }

    /** The source {@code config} names, for the user (and password, if any) of one of its URLs. */
    static CredentialSource of(DatabaseConfig config, String urlUser, String urlPassword) {
        return new CredentialSource(urlUser, urlPassword, config.passwordFile(), config.credentialsProvider());
    }

    /** Where the password comes from, for messages: {@code DATABASE_URL}, {@code DB_PASSWORD_FILE (/path)} or the provider. */
    public String description() {
        return description;
    }

    /**
     * The credentials for one new connection, read now.
     *
     * @throws DatabaseError {@link ErrorCode#AUTH_FAILED} when the file cannot be read or is empty, or the
     *                       provider failed; the message names the source, never a password
     */
    public DatabaseCredentials current() {
        if (file != null) {
            return new DatabaseCredentials(urlUser, readFile());
        }
        if (provider != null) {
            return fromProvider();
        }
        return urlPassword == null ? new DatabaseCredentials(urlUser, "") : new DatabaseCredentials(urlUser, urlPassword);
    }

    /**
     * Puts {@code credentials} into pgjdbc's connection properties. An empty password is left out, as is a missing
     * user (pgjdbc then uses its own default).
     */
    public static void apply(Properties properties, DatabaseCredentials credentials) {
        if (credentials.user() != null && !credentials.user().isEmpty()) {
            properties.setProperty("user", credentials.user());
        }
        if (!credentials.password().isEmpty()) {
            properties.setProperty("password", credentials.password());
        }
    }

    /** The server refused {@code credentials} (28P01 or 28000): remembered for {@link #changedSinceRefused()}. */
    public void refused(DatabaseCredentials credentials) {
        refused = digest(credentials);
        compared = null;
    }

    /**
     * Whether the password file now holds another password than the last one the server refused. Cheap enough for
     * every call that fails fast meanwhile: the file's attributes (modification time, size, identity: a secret
     * volume moves a new file in) are read, and its content only when they changed. Always {@code false} for the
     * URL's fixed password and for a provider, which cannot be asked without possibly costing a token: those are
     * retried on a schedule.
     */
    public boolean changedSinceRefused() {
        byte[] last = refused;
        if (file == null || last == null) {
            return false;
        }
        FileStamp stamp = FileStamp.of(file);
        if (stamp == null || stamp.equals(compared)) {
            return false;
        }
        compared = stamp;
        try {
            return !Arrays.equals(last, digest(new DatabaseCredentials(urlUser, readFile())));
        } catch (DatabaseError unreadable) {
            return false;
        }
    }

    /** What tells that a file was replaced or rewritten without reading it. */
    private record FileStamp(FileTime modified, long size, Object identity) {
        static FileStamp of(Path file) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                return new FileStamp(a.lastModifiedTime(), a.size(), a.fileKey());
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }

    private String readFile() {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw failure("Could not read the password file " + file + " (" + DatabaseConfig.DB_PASSWORD_FILE + "): "
                    + e.getClass().getSimpleName(), e, List.of(
                    "Check that the secret is mounted at " + file + " and readable by this process.",
                    "Or point " + DatabaseConfig.DB_PASSWORD_FILE + " at the file that holds the password."));
        }
        String password = stripLineBreak(content);
        if (password.isEmpty()) {
            throw failure("The password file " + file + " (" + DatabaseConfig.DB_PASSWORD_FILE + ") is empty", null,
                    List.of("Write the password into " + file + ", or check that the secret it comes from has a value."));
        }
        return password;
    }

    /** Removes one trailing line break ({@code \n} or {@code \r\n}), as {@code echo secret > file} writes. */
    static String stripLineBreak(String content) {
        if (content.endsWith("\r\n")) {
            return content.substring(0, content.length() - 2);
        }
        return content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
    }

    private DatabaseCredentials fromProvider() {
        DatabaseCredentials c;
        try {
            c = provider.credentials();
        } catch (Exception | LinkageError e) {
            throw failure("The credentials provider failed: " + classChain(e)
                    + " (its message is not shown: it may quote a secret)", null, List.of(
                    "Check the service the credentials provider asks (token service, secrets manager) and its access.",
                    "Make the provider return cached credentials while they are valid, and refresh them early."));
        }
        if (c == null) {
            throw failure("The credentials provider returned null", null,
                    List.of("Make CredentialsProvider.credentials() return credentials or throw."));
        }
        return c.user() == null && urlUser != null ? new DatabaseCredentials(urlUser, c.password()) : c;
    }

    /** The class names of {@code e} and its causes, e.g. {@code IllegalStateException <- ConnectException}. */
    private static String classChain(Throwable e) {
        StringBuilder chain = new StringBuilder(e.getClass().getName());
        Throwable cause = e.getCause();
        for (int i = 0; i < 4 && cause != null && cause != cause.getCause(); i++, cause = cause.getCause()) {
            chain.append(" <- ").append(cause.getClass().getName());
        }
        return chain.toString();
    }

    /**
     * @param cause attached only when it cannot hold a secret (a file that could not be read); a provider's
     *              exception is named by its class in the message, never attached
     */
    private static DatabaseError failure(String message, Throwable cause, List<String> steps) {
        return new DatabaseError(ErrorCode.AUTH_FAILED, message, steps, Map.of(), cause);
    }

    private static byte[] digest(DatabaseCredentials credentials) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(String.valueOf(credentials.user()).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            return sha.digest(credentials.password().getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "CredentialSource[" + description + "]";
    }
}
