package dev.pgkeeper;

import dev.pgkeeper.internal.config.DriverSettings;
import dev.pgkeeper.internal.errors.ConnectionTarget;
import dev.pgkeeper.internal.errors.ErrorClassifier;

/**
 * Turns any exception from JDBC, HikariCP, pgjdbc, MyBatis or the JDK into a {@link DatabaseError} with
 * a stable {@link ErrorCode}, a {@link ErrorKind} that tells a retry policy whether to try again, and
 * troubleshooting steps.
 *
 * <p>How the category is chosen:
 * <ul>
 *   <li>An exception that already is, or wraps, a {@code DatabaseError} gives that error back unchanged
 *       (the outermost one).</li>
 *   <li>The whole chain is read: {@link Throwable#getCause() causes} and
 *       {@link java.sql.SQLException#getNextException() next exceptions}, cycle-safe, up to 32 levels.</li>
 *   <li>Exception types and SQLStates decide, never the order in which they appear: from most to least
 *       specific, a DNS failure ({@code UnknownHostException}), a TLS failure ({@code SSLException},
 *       certificate errors, pgjdbc's "server does not support SSL"), a startup parameter refused by a
 *       pooler ({@code 08P01} "unsupported startup parameter": {@link ErrorCode#CONFIGURATION_ERROR}), a
 *       SQLState that names the problem ({@code 28P01}/{@code 28000} authentication, {@code 3D000} missing database, {@code 40001},
 *       {@code 40P01}, {@code 57014}, {@code 25006}, class {@code 23} constraints, {@code 53300},
 *       {@code 42501}, class {@code 42} and {@code 3F000} schema, class {@code 22} data), a network failure
 *       (class {@code 08}, {@code 57P01}–{@code 57P03}, socket exceptions), and last HikariCP's "Connection
 *       is not available, request timed out", which counts as {@link ErrorCode#POOL_EXHAUSTED} only when
 *       the connection failure it carries is not recognised itself.</li>
 *   <li>Messages are matched ("connection refused", "password authentication failed", ...) only when no
 *       exception in the chain has a known type or any SQLState, because server messages are localized.</li>
 *   <li>Anything else is {@link ErrorCode#UNKNOWN_ERROR}, which is temporary.</li>
 * </ul>
 * The new error has the given exception as its cause; its message, steps and context never contain a
 * password, even when the underlying message did.
 *
 * <p>This class is thread-safe and stateless.
 */
public final class ErrorCategorizer {

    private ErrorCategorizer() {
    }

    /**
     * Categorizes {@code error} without knowing which server it came from; steps then say where to look
     * (for example "the host and port in DATABASE_URL") instead of naming the host.
     *
     * <p>Never throws, not even for an exception whose own methods throw.
     *
     * @param error what was thrown, or {@code null}
     * @return the categorized error; never {@code null}. The outermost {@code DatabaseError} in the chain
     *         when there is one, otherwise a new error whose cause is {@code error}. For {@code null}, an
     *         {@link ErrorCode#UNKNOWN_ERROR} saying that no exception was given.
     */
    public static DatabaseError categorize(Throwable error) {
        return ErrorClassifier.classify(error, ConnectionTarget.UNKNOWN);
    }

    /**
     * Categorizes {@code error} as coming from the database {@code config} points at, so the message and
     * steps name its host, port, database and user (never its password). Same rules as
     * {@link #categorize(Throwable)}; {@link ConnectionManager#categorize(Throwable)} does the same for a
     * manager's configuration.
     *
     * @param error  what was thrown, or {@code null}
     * @param config the configuration the failing code used
     * @return the categorized error; never {@code null}
     * @throws NullPointerException if {@code config} is {@code null}
     */
    public static DatabaseError categorize(Throwable error, DatabaseConfig config) {
        return ErrorClassifier.classify(error, DriverSettings.of(java.util.Objects.requireNonNull(config, "config")).target());
    }
}
