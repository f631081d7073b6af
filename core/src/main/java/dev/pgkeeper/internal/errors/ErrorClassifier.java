package dev.pgkeeper.internal.errors;

import static dev.pgkeeper.ErrorCode.AUTH_FAILED;
import static dev.pgkeeper.ErrorCode.CHECK_VIOLATION;
import static dev.pgkeeper.ErrorCode.CONFIGURATION_ERROR;
import static dev.pgkeeper.ErrorCode.CONSTRAINT_VIOLATION;
import static dev.pgkeeper.ErrorCode.DATABASE_NOT_FOUND;
import static dev.pgkeeper.ErrorCode.DATA_ERROR;
import static dev.pgkeeper.ErrorCode.DEADLOCK_DETECTED;
import static dev.pgkeeper.ErrorCode.DNS_ERROR;
import static dev.pgkeeper.ErrorCode.FOREIGN_KEY_VIOLATION;
import static dev.pgkeeper.ErrorCode.NETWORK_ERROR;
import static dev.pgkeeper.ErrorCode.NOT_NULL_VIOLATION;
import static dev.pgkeeper.ErrorCode.PERMISSION_DENIED;
import static dev.pgkeeper.ErrorCode.POOL_EXHAUSTED;
import static dev.pgkeeper.ErrorCode.QUERY_CANCELED;
import static dev.pgkeeper.ErrorCode.READ_ONLY_TRANSACTION;
import static dev.pgkeeper.ErrorCode.SCHEMA_ERROR;
import static dev.pgkeeper.ErrorCode.SERIALIZATION_FAILURE;
import static dev.pgkeeper.ErrorCode.SSL_ERROR;
import static dev.pgkeeper.ErrorCode.UNIQUE_VIOLATION;
import static dev.pgkeeper.ErrorCode.UNKNOWN_ERROR;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.internal.errors.ThrowableChain.Link;
import dev.pgkeeper.internal.url.SecretMasker;
import java.io.EOFException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Turns any throwable into a categorized {@link DatabaseError}: the rules behind
 * {@link dev.pgkeeper.ErrorCategorizer}.
 *
 * <h2>How a category is chosen</h2>
 * <ol>
 *   <li>If the chain already holds a {@code DatabaseError}, the outermost one is returned unchanged.</li>
 *   <li>The whole chain is walked ({@link Throwable#getCause()} and {@link SQLException#getNextException()},
 *       cycle-safe, at most 32 levels deep).</li>
 *   <li>{@code RULES} is the rank table: an ordered list of rules on exception types and SQLStates, most
 *       specific first. The first rule that matches any throwable of the chain decides; when it matches
 *       several, the outermost one. Order of appearance in the chain never outranks a rule: an
 *       {@code UnknownHostException} three levels below pgjdbc's {@code 08001} still makes a DNS error.</li>
 *   <li>Only when no rule matches and no throwable carries a SQLState are the messages looked at
 *       ({@code MESSAGE_RULES}, same procedure), because server messages are localized and a SQLState
 *       the rules do not know is still the server's precise answer.</li>
 *   <li>Otherwise the result is {@link ErrorCode#UNKNOWN_ERROR}.</li>
 * </ol>
 * Four rules need a message to recognise their exception, and say so where they are defined: HikariCP's
 * pool timeout, pgjdbc's {@code 08004} that rejects SSL/GSS encryption (the same SQLState is used for
 * authentication negotiation), pgjdbc's {@code 08006} for a failed host name verification, and the
 * {@code 08P01} with which PgBouncer refuses a startup parameter (see {@link RejectedStartupParameter}).
 *
 * <h2>What the error says</h2>
 * The message is a pgkeeper sentence naming the target, then the most specific underlying message: that
 * of the deepest throwable in the chain that points to the same category (for a refused connection the
 * JDK's {@code ConnectException} rather than HikariCP's timeout around it). The context holds the host,
 * database, user, sanitized URL, SQLState and the schema objects the server named; the steps come from
 * {@link TroubleshootingGuide}. Every copied text is run through {@link SecretMasker}.
 *
 * <p>Stateless and thread-safe.
 */
public final class ErrorClassifier {

    /**
     * What HikariCP writes into the {@link SQLTransientConnectionException} it throws when no connection
     * became free within {@code connectionTimeout}; its type alone is also used for real connection failures.
     */
    private static final String HIKARI_POOL_TIMEOUT = "Connection is not available, request timed out";

    /**
     * pgjdbc's {@code 08004} (CONNECTION_REJECTED) covers both "The server does not support SSL." / "GSS
     * Encryption." and authentication negotiation ("no password was provided", requireAuth, channel
     * binding). The SSL and GSS acronyms survive all of pgjdbc's translations, also in scripts without
     * spaces ("サーバはSSLを..."), hence no word boundary. Channel-binding messages mention SSL too
     * ("Channel Binding is required, but SSL is not in use") but belong to authentication; the words
     * "channel binding" are left untranslated as well.
     */
    private static final Pattern ENCRYPTION_WORD = Pattern.compile("(?i)ssl|gss");
    private static final Pattern CHANNEL_BINDING = Pattern.compile("(?i)channel binding");

    /**
     * pgjdbc reports a certificate whose name does not match the host ({@code sslmode=verify-full}) as
     * {@code 08006} with no TLS exception attached; the verifier's class name in the message is not translated.
     */
    private static final Pattern HOSTNAME_VERIFIER = Pattern.compile("(?i)hostnameverifier");

    /**
     * The rank table, highest rank first. See the class comment for how it is applied.
     */
    private static final List<Rule> RULES = List.of(
            // DNS. pgjdbc reports an unresolvable host as 08001 "The connection attempt failed.";
            // the JDK type under it is the real answer.
            Rule.onType(DNS_ERROR, UnknownHostException.class),

            // TLS. A TLS session cut off by EOF or a reset is the network failing, not the TLS setup.
            Rule.when(NETWORK_ERROR, ErrorClassifier::isTlsCutOffByNetwork),
            Rule.onType(SSL_ERROR, SSLException.class, CertificateException.class, CertPathValidatorException.class),
            Rule.when(SSL_ERROR, t -> hasSqlState(t, "08004") && messageFinds(t, ENCRYPTION_WORD)
                    && !messageFinds(t, CHANNEL_BINDING)),
            Rule.when(SSL_ERROR, t -> hasSqlState(t, "08006") && messageFinds(t, HOSTNAME_VERIFIER)),

            // A server or pooler refusing a startup parameter: 08P01 (protocol violation), told by its message
            // from the other protocol violations, which stay network errors below. Ranked above the class-08
            // network rule because nothing changes until someone changes a setting: retrying is pointless.
            Rule.when(CONFIGURATION_ERROR, t -> RejectedStartupParameter.of(t).isPresent()),
            // pgjdbc's server-side statements lost behind a pooler in transaction mode: 26000/42P05, which would
            // otherwise read as a schema error.
            Rule.when(CONFIGURATION_ERROR, ServerPreparedStatementClash::matches),

            // SQLStates that name the problem precisely. 08004 here is what is left after the SSL rule above.
            Rule.onSqlState(AUTH_FAILED, "28P01", "28000", "08004"),
            Rule.onSqlState(DATABASE_NOT_FOUND, "3D000"),
            Rule.onSqlState(SERIALIZATION_FAILURE, "40001"),
            Rule.onSqlState(DEADLOCK_DETECTED, "40P01"),
            Rule.onSqlState(QUERY_CANCELED, "57014"),
            Rule.onSqlState(READ_ONLY_TRANSACTION, "25006"),
            Rule.onSqlState(UNIQUE_VIOLATION, "23505"),
            Rule.onSqlState(FOREIGN_KEY_VIOLATION, "23503"),
            Rule.onSqlState(CHECK_VIOLATION, "23514"),
            Rule.onSqlState(NOT_NULL_VIOLATION, "23502"),
            Rule.onSqlStateClass(CONSTRAINT_VIOLATION, "23"),
            Rule.onSqlState(POOL_EXHAUSTED, "53300"),
            Rule.onSqlState(PERMISSION_DENIED, "42501"),
            Rule.onSqlStateClass(SCHEMA_ERROR, "42"),
            Rule.onSqlState(SCHEMA_ERROR, "3F000"),
            Rule.onSqlStateClass(DATA_ERROR, "22"),

            // Network. A SQLState is listed before a type, so it decides when one throwable has both.
            Rule.onSqlStateClass(NETWORK_ERROR, "08"),
            Rule.onSqlState(NETWORK_ERROR, "57P01", "57P02", "57P03"),
            // SocketException covers ConnectException, NoRouteToHostException and PortUnreachableException.
            Rule.onType(NETWORK_ERROR, SocketException.class, SocketTimeoutException.class, EOFException.class),
            Rule.when(NETWORK_ERROR, t -> (t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException) && !isHikariPoolTimeout(t)),

            // HikariCP's timeout ranks last: it chains the last real connection failure, which is more specific.
            Rule.when(POOL_EXHAUSTED, ErrorClassifier::isHikariPoolTimeout));

    /**
     * The fallback for chains without any type or SQLState signal, highest rank first: specific phrases
     * before generic words. Between the generic network words and a mere mention of SSL the network wins,
     * because retrying a permanent error wastes a little time while not retrying a temporary one prolongs
     * an outage.
     */
    private static final List<Rule> MESSAGE_RULES = List.of(
            Rule.onMessage(DNS_ERROR, "unknown host|name or service not known|nodename nor servname"
                    + "|temporary failure in name resolution|no such host is known"),
            Rule.onMessage(AUTH_FAILED, "authentication failed"),
            Rule.onMessage(DATABASE_NOT_FOUND, "database (\"[^\"]*\"|\\S+) does not exist"),
            Rule.onMessage(POOL_EXHAUSTED, "too many (clients|connections)|" + Pattern.quote(HIKARI_POOL_TIMEOUT)),
            Rule.onMessage(SCHEMA_ERROR, "\\b(relation|column|table|function|schema)\\b.*\\bdoes not exist"),
            Rule.onMessage(NETWORK_ERROR, "connection refused|timed out|timeout|unreachable|connection reset"
                    + "|broken pipe"),
            Rule.onMessage(SSL_ERROR, "\\bssl\\b|\\btls\\b|certificate"),
            Rule.onMessage(SCHEMA_ERROR, "\\bschema\\b"));

    /** Longest underlying message copied into a {@link DatabaseError}, so that one error stays one log line. */
    private static final int MAX_DETAIL_LENGTH = 500;

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private ErrorClassifier() {
    }

    /**
     * Categorizes {@code error} for a connection to {@code target}.
     *
     * @param error  what was thrown, or {@code null}
     * @param target where the failed operation was connecting to; {@code null} is taken as
     *               {@link ConnectionTarget#UNKNOWN}
     * @return the outermost {@code DatabaseError} of the chain if there is one, otherwise a new one with
     *         {@code error} as its cause; never {@code null}. For a {@code null} error, an
     *         {@link ErrorCode#UNKNOWN_ERROR} saying that no exception was given.
     */
    public static DatabaseError classify(Throwable error, ConnectionTarget target) {
        ConnectionTarget where = target == null ? ConnectionTarget.UNKNOWN : target;
        if (error == null) {
            return build(UNKNOWN_ERROR, where, "no exception was given", null, ServerErrorFields.NONE, null);
        }
        try {
            return classifyChain(error, where);
        } catch (RuntimeException inspectionFailure) {
            // Exceptions come from applications and libraries and may override getMessage() or getCause()
            // badly; classify is called from catch blocks and must not replace the real failure with its own.
            return build(UNKNOWN_ERROR, where, "the exception could not be inspected ("
                    + inspectionFailure.getClass().getName() + ")", null, ServerErrorFields.NONE, error);
        }
    }

    private static DatabaseError classifyChain(Throwable error, ConnectionTarget target) {
        List<Link> chain = ThrowableChain.walk(error);
        Optional<DatabaseError> alreadyCategorized = chain.stream()
                .map(Link::throwable)
                .filter(DatabaseError.class::isInstance)
                .map(DatabaseError.class::cast)
                .findFirst();
        if (alreadyCategorized.isPresent()) {
            return alreadyCategorized.get();
        }

        Verdict verdict = decide(chain, RULES)
                .or(() -> firstSqlState(chain) == null ? decide(chain, MESSAGE_RULES) : Optional.empty())
                .orElseGet(() -> unknown(chain));

        String sqlState = Optional.ofNullable(sqlStateOf(verdict.decisive()))
                .orElseGet(() -> firstSqlState(chain));
        ServerErrorFields fields = ServerErrorFields.of(serverErrorMessage(chain, sqlState));
        Optional<RejectedStartupParameter> rejected = verdict.code() == CONFIGURATION_ERROR
                ? RejectedStartupParameter.of(verdict.decisive()) : Optional.empty();
        if (rejected.isPresent()) {
            return build(verdict.code(), TroubleshootingGuide.headline(rejected.get(), target),
                    describe(verdict.evidence()), TroubleshootingGuide.steps(rejected.get(), target),
                    target, sqlState, fields, error);
        }
        if (verdict.code() == CONFIGURATION_ERROR && ServerPreparedStatementClash.matches(verdict.decisive())) {
            return build(verdict.code(), ServerPreparedStatementClash.headline(target), describe(verdict.evidence()),
                    ServerPreparedStatementClash.steps(), target, sqlState, fields, error);
        }
        return build(verdict.code(), target, describe(verdict.evidence()), sqlState, fields, error);
    }

    /**
     * Applies {@code rules} in rank order. The decisive throwable is the outermost one the first matching
     * rule matches; the evidence, whose message is quoted, the deepest one that any rule of the same code
     * matches.
     */
    private static Optional<Verdict> decide(List<Link> chain, List<Rule> rules) {
        for (Rule rule : rules) {
            for (Link link : chain) {
                if (rule.matches(link.throwable())) {
                    return Optional.of(new Verdict(rule.code(), link.throwable(),
                            deepestEvidence(chain, rules, rule.code())));
                }
            }
        }
        return Optional.empty();
    }

    private static Throwable deepestEvidence(List<Link> chain, List<Rule> rules, ErrorCode code) {
        Throwable deepest = null;
        for (Link link : chain) {
            Throwable throwable = link.throwable();
            if (rules.stream().anyMatch(rule -> rule.code() == code && rule.matches(throwable))) {
                deepest = throwable;
            }
        }
        return deepest;
    }

    /** Nothing recognised: quote the deepest throwable that says something, usually the root cause. */
    private static Verdict unknown(List<Link> chain) {
        Throwable outermost = chain.get(0).throwable();
        Throwable evidence = outermost;
        for (Link link : chain) {
            String message = link.throwable().getMessage();
            if (message != null && !message.isBlank()) {
                evidence = link.throwable();
            }
        }
        return new Verdict(UNKNOWN_ERROR, outermost, evidence);
    }

    private static DatabaseError build(ErrorCode code, ConnectionTarget target, String detail, String sqlState,
                                       ServerErrorFields fields, Throwable cause) {
        List<String> steps = code == SSL_ERROR && certificateRejected(cause)
                ? TroubleshootingGuide.certificateSteps(target)
                : TroubleshootingGuide.steps(code, target, sqlState, fields);
        return build(code, TroubleshootingGuide.headline(code, target), detail, steps, target, sqlState, fields, cause);
    }

    /**
     * Whether TLS was set up but the server's certificate was not accepted: a certificate path that does not lead to
     * the trusted CA, or a host name the certificate does not name (pgjdbc says so without a cause). Then the
     * server's own TLS settings are not the first thing to check.
     */
    private static boolean certificateRejected(Throwable error) {
        for (Link link : ThrowableChain.walk(error)) {
            Throwable t = link.throwable();
            String message = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof CertificateException || t instanceof CertPathValidatorException
                    || t instanceof javax.net.ssl.SSLPeerUnverifiedException
                    || message.contains("could not be verified by hostnameverifier") || message.contains("PKIX path")) {
                return true;
            }
        }
        return false;
    }

    private static DatabaseError build(ErrorCode code, String headline, String detail, List<String> steps,
                                       ConnectionTarget target, String sqlState, ServerErrorFields fields,
                                       Throwable cause) {
        String message = headline + ": " + detail;
        List<String> maskedSteps = steps.stream().map(SecretMasker::mask).toList();
        return new DatabaseError(code, SecretMasker.mask(message), maskedSteps, context(target, sqlState, fields),
                cause);
    }

    private static Map<String, String> context(ConnectionTarget target, String sqlState, ServerErrorFields fields) {
        Map<String, String> context = new LinkedHashMap<>();
        if (target.hosts() != null && !target.hosts().equals(ConnectionTarget.UNKNOWN.hosts())) {
            putMasked(context, "host", target.hosts());
        }
        putMasked(context, "database", target.database());
        putMasked(context, "user", target.user());
        putMasked(context, "url", target.sanitizedUrl());
        putMasked(context, "sqlState", sqlState);
        putMasked(context, "schema", fields.schema());
        putMasked(context, "table", fields.table());
        putMasked(context, "column", fields.column());
        putMasked(context, "constraint", fields.constraint());
        return context;
    }

    private static void putMasked(Map<String, String> context, String key, String value) {
        if (value != null && !value.isBlank()) {
            context.put(key, SecretMasker.mask(value));
        }
    }

    /**
     * One line for the quoted throwable: pgjdbc's and the server's messages speak for themselves; other
     * exceptions (often a bare host name or "Connection refused") get their simple class name in front.
     */
    private static String describe(Throwable throwable) {
        String text;
        if (throwable instanceof PSQLException psql && psql.getServerErrorMessage() != null
                && psql.getServerErrorMessage().getMessage() != null) {
            // The server's primary message only: the Detail field can hold row values ("Key (email)=(...)").
            ServerErrorMessage server = psql.getServerErrorMessage();
            text = server.getSeverity() == null
                    ? server.getMessage()
                    : server.getSeverity() + ": " + server.getMessage();
        } else {
            String message = throwable.getMessage();
            String type = throwable.getClass().getSimpleName().isEmpty()
                    ? throwable.getClass().getName() : throwable.getClass().getSimpleName();
            if (message == null || message.isBlank()) {
                text = type;
            } else {
                text = throwable instanceof SQLException ? message : type + ": " + message;
            }
        }
        String oneLine = WHITESPACE.matcher(SecretMasker.mask(text)).replaceAll(" ").strip();
        return oneLine.length() <= MAX_DETAIL_LENGTH ? oneLine : oneLine.substring(0, MAX_DETAIL_LENGTH) + "…";
    }

    private static ServerErrorMessage serverErrorMessage(List<Link> chain, String sqlState) {
        if (sqlState == null) {
            return null;
        }
        for (int i = chain.size() - 1; i >= 0; i--) {
            if (chain.get(i).throwable() instanceof PSQLException psql && psql.getServerErrorMessage() != null
                    && sqlState.equals(normalizeSqlState(psql.getServerErrorMessage().getSQLState()))) {
                return psql.getServerErrorMessage();
            }
        }
        return null;
    }

    private static String firstSqlState(List<Link> chain) {
        return chain.stream()
                .map(link -> sqlStateOf(link.throwable()))
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
    }

    /** The SQLState of a {@link SQLException}, upper-cased; {@code null} for other throwables and blank states. */
    private static String sqlStateOf(Throwable throwable) {
        return throwable instanceof SQLException sql ? normalizeSqlState(sql.getSQLState()) : null;
    }

    private static String normalizeSqlState(String sqlState) {
        return sqlState == null || sqlState.isBlank() ? null : sqlState.strip().toUpperCase(Locale.ROOT);
    }

    private static boolean hasSqlState(Throwable throwable, String sqlState) {
        return sqlState.equals(sqlStateOf(throwable));
    }

    private static boolean messageFinds(Throwable throwable, Pattern pattern) {
        String message = throwable.getMessage();
        return message != null && pattern.matcher(message).find();
    }

    private static boolean isHikariPoolTimeout(Throwable throwable) {
        return throwable instanceof SQLTransientConnectionException
                && throwable.getMessage() != null
                && throwable.getMessage().contains(HIKARI_POOL_TIMEOUT);
    }

    /**
     * The JDK reports a peer that vanished during the handshake or later as an {@link SSLException} caused
     * by an {@link EOFException} ("Remote host terminated the handshake" / "SSL peer shut down incorrectly")
     * or a {@link SocketException}: a server restart or a network cut, to be retried, not a TLS
     * misconfiguration.
     */
    private static boolean isTlsCutOffByNetwork(Throwable throwable) {
        Throwable cause = throwable.getCause();
        return throwable instanceof SSLException
                && (cause instanceof EOFException || cause instanceof SocketException
                || cause instanceof SocketTimeoutException);
    }

    /**
     * The outcome of applying a rule list.
     *
     * @param code      the category
     * @param decisive  the throwable the winning rule matched
     * @param evidence  the throwable whose message is quoted
     */
    private record Verdict(ErrorCode code, Throwable decisive, Throwable evidence) {
    }

    /**
     * One line of the rank table: a test on a single throwable and the category it implies.
     *
     * @param code the category when the test passes
     * @param test the test on one throwable of the chain
     */
    private record Rule(ErrorCode code, Predicate<Throwable> test) {

        boolean matches(Throwable throwable) {
            return test.test(throwable);
        }

        static Rule when(ErrorCode code, Predicate<Throwable> test) {
            return new Rule(code, test);
        }

        static Rule onType(ErrorCode code, Class<?>... types) {
            List<Class<?>> typeList = List.of(types);
            return new Rule(code, throwable -> typeList.stream().anyMatch(type -> type.isInstance(throwable)));
        }

        static Rule onSqlState(ErrorCode code, String... sqlStates) {
            Set<String> states = Set.of(sqlStates);
            return new Rule(code, throwable -> {
                String state = sqlStateOf(throwable);
                return state != null && states.contains(state);
            });
        }

        /** Matches a SQLState class: the first two characters, such as {@code 08} or {@code 23}. */
        static Rule onSqlStateClass(ErrorCode code, String sqlStateClass) {
            return new Rule(code, throwable -> {
                String state = sqlStateOf(throwable);
                return state != null && state.startsWith(sqlStateClass);
            });
        }

        /** Matches a case-insensitive regular expression anywhere in the message. */
        static Rule onMessage(ErrorCode code, String regex) {
            Pattern pattern = Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
            return new Rule(code, throwable -> messageFinds(throwable, pattern));
        }
    }
}
