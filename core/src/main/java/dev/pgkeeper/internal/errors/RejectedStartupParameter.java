package dev.pgkeeper.internal.errors;

import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;

/**
 * A connection refused because the server or, far more often, a connection pooler does not accept one of
 * the parameters of the startup packet. PgBouncer answers such a packet with an ErrorResponse of SQLState
 * {@code 08P01} (protocol violation) and one of these messages:
 * <ul>
 *   <li>{@code unsupported startup parameter: options} (older releases: {@code Unsupported ...}), for a
 *       parameter it does not know and that is not in its {@code ignore_startup_parameters};</li>
 *   <li>{@code unsupported startup parameter in options: statement_timeout}, when it reads the
 *       {@code options} parameter and meets a setting it does not know (PgBouncer 1.20 and later);</li>
 *   <li>{@code unsupported options startup parameter: only '-c config=val' is allowed}.</li>
 * </ul>
 * Nothing changes until someone changes a setting, so it is a permanent configuration error, not a
 * network error to be retried.
 *
 * <p>The SQLState decides first; the message only tells this {@code 08P01} from the other protocol
 * violations (a connection that broke mid-message, say), which remain network errors. The message is
 * PgBouncer's own and not translated. Only a parameter name made of identifier characters is taken from it,
 * so nothing else of the message reaches a troubleshooting step.
 *
 * @param parameter the startup parameter refused, such as {@code options} or {@code extra_float_digits};
 *                  {@code null} when the message does not name it
 * @param setting   for a refused {@code options} parameter, the setting inside it that was refused, such as
 *                  {@code statement_timeout}; otherwise {@code null}
 */
record RejectedStartupParameter(String parameter, String setting) {

    /** The SQLState of the rejection: protocol_violation. */
    static final String SQLSTATE = "08P01";

    /** The startup parameter that carries {@code -c name=value} settings, and the one pgkeeper itself may send. */
    static final String OPTIONS = "options";

    /** An identifier as a parameter or setting name is written: {@code extra_float_digits}, {@code pg_stat.x}. */
    private static final String NAME = "([A-Za-z_][A-Za-z0-9_.\\-]{0,62})";

    private static final Pattern UNSUPPORTED_PARAMETER = Pattern.compile(
            "(?i)unsupported startup parameter(?: (in options))?(?::\\s*" + NAME + ")?");

    private static final Pattern UNSUPPORTED_OPTIONS = Pattern.compile("(?i)unsupported options startup parameter");

    /**
     * Recognises a refused startup parameter in one throwable (not its causes).
     *
     * @param throwable any throwable, possibly {@code null}
     * @return the refused parameter when {@code throwable} is a {@link SQLException} with SQLState
     *         {@value #SQLSTATE} whose message says that a startup parameter is unsupported; otherwise empty
     */
    static Optional<RejectedStartupParameter> of(Throwable throwable) {
        if (!(throwable instanceof SQLException sql) || !isProtocolViolation(sql.getSQLState())) {
            return Optional.empty();
        }
        return fromMessage(serverMessage(sql));
    }

    /**
     * Reads a rejection message as PgBouncer writes it.
     *
     * @param message the message, possibly {@code null}
     * @return the refused parameter, or empty when the message is not about one
     */
    static Optional<RejectedStartupParameter> fromMessage(String message) {
        if (message == null) {
            return Optional.empty();
        }
        if (UNSUPPORTED_OPTIONS.matcher(message).find()) {
            return Optional.of(new RejectedStartupParameter(OPTIONS, null));
        }
        Matcher m = UNSUPPORTED_PARAMETER.matcher(message);
        if (!m.find()) {
            return Optional.empty();
        }
        if (m.group(1) != null) {
            return Optional.of(new RejectedStartupParameter(OPTIONS, m.group(2)));
        }
        return Optional.of(new RejectedStartupParameter(m.group(2), null));
    }

    /** {@code true} when the refused parameter is {@code options}, which pgkeeper sends for a statement timeout. */
    boolean isOptions() {
        return OPTIONS.equals(parameter);
    }

    /**
     * The parameter for a sentence: {@code "options (setting statement_timeout)"}, {@code "extra_float_digits"},
     * or {@code "a startup parameter"} when it is not known.
     */
    String describe() {
        if (parameter == null) {
            return "a startup parameter";
        }
        return setting == null ? parameter : parameter + " (setting " + setting + ")";
    }

    private static boolean isProtocolViolation(String sqlState) {
        return sqlState != null && sqlState.strip().toUpperCase(Locale.ROOT).equals(SQLSTATE);
    }

    /** The server's primary message when pgjdbc kept the ErrorResponse; otherwise the exception's message. */
    private static String serverMessage(SQLException sql) {
        if (sql instanceof PSQLException psql && psql.getServerErrorMessage() != null
                && psql.getServerErrorMessage().getMessage() != null) {
            return psql.getServerErrorMessage().getMessage();
        }
        return sql.getMessage();
    }
}
