package dev.pgkeeper.properties;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCategorizer;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.ErrorKind;
import dev.pgkeeper.internal.errors.ConnectionTarget;
import dev.pgkeeper.internal.errors.ErrorClassifier;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.BiFunction;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.postgresql.util.ServerErrorMessage;

/**
 * Properties of the categorizer over generated exception chains. Property 4 of the design: network
 * errors are temporary and come with steps, however deeply they are wrapped and whatever their messages say;
 * but a startup parameter refused by a pooler (08P01 "unsupported startup parameter") is a permanent
 * configuration error whose steps name the parameter.
 */
class CategorizerProperties {

    private static final ConnectionTarget ORDERS =
            new ConnectionTarget("db1:5432,[::1]:5433", "orders", "app", "postgresql://app:****@db1:5432/orders");

    // ---------------------------------------------------------------- properties

    @Property(tries = 500)
    @Label("Seed property 4: network failures (refused, timeout, unreachable, DNS) are temporary, with steps")
    void networkFailuresAreTemporaryWithSteps(@ForAll("networkFailures") Case failure,
                                              @ForAll("targets") ConnectionTarget target) {
        DatabaseError error = ErrorClassifier.classify(failure.error(), target);

        assertThat(error.code()).isEqualTo(failure.expected());
        assertThat(error.kind()).isEqualTo(ErrorKind.TEMPORARY);
        assertThat(error.troubleshootingSteps()).isNotEmpty().allSatisfy(step -> assertThat(step).isNotBlank());
        assertThat(error.getCause()).isSameAs(failure.error());
    }

    @Property(tries = 500)
    void categorizeIsTotal(@ForAll("anyChain") Case chain) {
        DatabaseError error = ErrorCategorizer.categorize(chain.error());

        assertThat(error).isNotNull();
        assertThat(error.code()).isNotNull();
        assertThat(error.getMessage()).isNotNull();
        assertThat(error.troubleshootingSteps()).isNotNull();
        assertThat(error.context()).isNotNull();
        boolean alreadyCategorized = error.code() == ErrorCode.NOT_INITIALIZED;
        if (!alreadyCategorized) {
            assertThat(error.getCause()).isSameAs(chain.error());
            assertThat(error.getMessage()).isNotBlank();
            assertThat(error.troubleshootingSteps()).isNotEmpty();
        }
    }

    @Property(tries = 300)
    void categorizeIsDeterministic(@ForAll("anyChain") Case chain, @ForAll("targets") ConnectionTarget target) {
        DatabaseError first = ErrorClassifier.classify(chain.error(), target);
        DatabaseError second = ErrorClassifier.classify(chain.error(), target);

        assertThat(second.code()).isEqualTo(first.code());
        assertThat(second.getMessage()).isEqualTo(first.getMessage());
        assertThat(second.troubleshootingSteps()).isEqualTo(first.troubleshootingSteps());
        assertThat(second.context()).isEqualTo(first.context());
    }

    @Property(tries = 500)
    void passwordsNeverReachTheError(@ForAll("passwords") String password, @ForAll("leaks") Leak leak) {
        // A generated password may happen to be a word pgkeeper writes anyway ("orders", "DATABASE_URL").
        Assume.that(!everythingSaidBy(leak.categorize("PLACEHOLDER")).contains(password));

        assertThat(everythingSaidBy(leak.categorize(password))).doesNotContain(password);
    }

    @Property(tries = 500)
    void refusedStartupParametersArePermanentConfigurationErrorsThatNameTheParameter(
            @ForAll("refusedStartupParameters") Refusal refusal, @ForAll("targets") ConnectionTarget target) {
        DatabaseError error = ErrorClassifier.classify(refusal.error(), target);

        assertThat(error.code()).isEqualTo(ErrorCode.CONFIGURATION_ERROR);
        assertThat(error.kind()).isEqualTo(ErrorKind.PERMANENT);
        assertThat(error.sqlState()).isEqualTo("08P01");
        assertThat(error.getCause()).isSameAs(refusal.error());
        assertThat(error.getMessage()).contains(refusal.parameter());
        assertThat(error.troubleshootingSteps()).hasSizeBetween(2, 5)
                .allSatisfy(step -> assertThat(step).isNotBlank().doesNotContain("null"))
                .anySatisfy(step -> assertThat(step).contains("ignore_startup_parameters", refusal.named()));
        if (refusal.parameter().equals("options")) {
            assertThat(error.troubleshootingSteps()).anySatisfy(step -> assertThat(step).contains("DB_STATEMENT_TIMEOUT"))
                    .anySatisfy(step -> assertThat(step).contains("DATABASE_URL", "options="));
        } else {
            assertThat(error.troubleshootingSteps()).noneSatisfy(step -> assertThat(step).contains("DB_STATEMENT_TIMEOUT"))
                    .anySatisfy(step -> assertThat(step).contains("DATABASE_URL sets " + refusal.parameter()));
        }
    }

    private static String everythingSaidBy(DatabaseError error) {
        return error.getMessage() + "\n" + error + "\n" + String.join("\n", error.troubleshootingSteps()) + "\n"
                + error.context();
    }

    // ---------------------------------------------------------------- network failures

    /**
     * A throwable and the code it must get.
     *
     * @param error    the outermost throwable
     * @param expected the code it must be categorized as
     */
    record Case(Throwable error, ErrorCode expected) {
        /** The types along the cause chain, for jqwik's report; never calls the throwables' own text methods. */
        @Override
        public String toString() {
            StringBuilder chain = new StringBuilder(expected == null ? "" : expected + " <- ");
            Throwable current = error;
            try {
                for (int i = 0; current != null && i < 12; i++, current = current.getCause()) {
                    chain.append(i == 0 ? "" : " / ").append(current.getClass().getName());
                }
            } catch (RuntimeException brokenGetCause) {
                chain.append(" / (getCause threw)");
            }
            return chain.toString();
        }
    }

    @Provide
    Arbitrary<Case> networkFailures() {
        Arbitrary<Case> socketLevel = Combinators.combine(socketFailureKinds(), messages())
                .as((kind, message) -> new Case(kind.apply(message), kind == SocketFailure.UNKNOWN_HOST
                        ? ErrorCode.DNS_ERROR : ErrorCode.NETWORK_ERROR));
        Arbitrary<Case> underPgjdbc = Combinators.combine(socketLevel, pgjdbcConnectionStates(), messages())
                .as((socket, state, message) -> new Case(new PSQLException(message, state, socket.error()),
                        socket.expected()));
        Arbitrary<Case> fromServer = Combinators.combine(networkSqlStates(), messages())
                .as((state, message) -> new Case(serverError("FATAL", state, message), ErrorCode.NETWORK_ERROR));
        Arbitrary<Case> plainSqlState = Combinators.combine(networkSqlStates(), messages())
                .as((state, message) -> new Case(new SQLException(message, state), ErrorCode.NETWORK_ERROR));
        Arbitrary<Case> root = Arbitraries.oneOf(socketLevel, underPgjdbc, fromServer, plainSqlState);
        Arbitrary<Case> maybeBehindHikari = Combinators.combine(root, Arbitraries.of(true, false))
                .as((failure, pooled) -> pooled
                        ? new Case(hikariTimeout(failure.error()), failure.expected())
                        : failure);
        return Combinators.combine(maybeBehindHikari, wrappers())
                .as((failure, wrappers) -> new Case(wrapAll(failure.error(), wrappers), failure.expected()));
    }

    enum SocketFailure {
        REFUSED(ConnectException::new),
        TIMEOUT(SocketTimeoutException::new),
        NO_ROUTE(NoRouteToHostException::new),
        PORT_UNREACHABLE(PortUnreachableException::new),
        RESET(SocketException::new),
        EOF(EOFException::new),
        UNKNOWN_HOST(UnknownHostException::new);

        private final Function<String, Throwable> create;

        SocketFailure(Function<String, Throwable> create) {
            this.create = create;
        }

        Throwable apply(String message) {
            return create.apply(message);
        }
    }

    private static Arbitrary<SocketFailure> socketFailureKinds() {
        return Arbitraries.of(SocketFailure.class);
    }

    /** The connection states pgjdbc itself uses, never 08004 (which may mean SSL or authentication). */
    private static Arbitrary<PSQLState> pgjdbcConnectionStates() {
        return Arbitraries.of(PSQLState.CONNECTION_UNABLE_TO_CONNECT, PSQLState.CONNECTION_DOES_NOT_EXIST,
                PSQLState.CONNECTION_FAILURE, PSQLState.CONNECTION_FAILURE_DURING_TRANSACTION,
                PSQLState.PROTOCOL_VIOLATION, PSQLState.COMMUNICATION_ERROR);
    }

    /** Any class-08 SQLState but 08004, or the server's shutting-down and starting-up states. */
    private static Arbitrary<String> networkSqlStates() {
        Arbitrary<String> class08 = Arbitraries.strings().withCharRange('0', '9').withCharRange('A', 'Z')
                .ofLength(3).map(tail -> "08" + tail).filter(state -> !state.equals("08004"));
        return Arbitraries.oneOf(class08, Arbitraries.of("57P01", "57P02", "57P03"));
    }

    // ---------------------------------------------------------------- refused startup parameters

    /**
     * A connection refused because of a startup parameter, as PgBouncer refuses it, wrapped some way.
     *
     * @param error     the outermost throwable
     * @param parameter the startup parameter refused
     * @param named     the name the ignore_startup_parameters step must carry (the setting inside options, if named)
     */
    record Refusal(Throwable error, String parameter, String named) {
        @Override
        public String toString() {
            return parameter + "/" + named + " " + new Case(error, ErrorCode.CONFIGURATION_ERROR);
        }
    }

    @Provide
    Arbitrary<Refusal> refusedStartupParameters() {
        Arbitrary<String> names = Arbitraries.oneOf(
                Arbitraries.of("options", "extra_float_digits", "search_path", "statement_timeout", "jit",
                        "pg_stat_statements.track"),
                Arbitraries.strings().withCharRange('a', 'z').withChars('_').ofMinLength(1).ofMaxLength(20)
                        .filter(name -> !name.contains("null")));
        return Combinators.combine(names, Arbitraries.of(RefusalForm.class), Arbitraries.of("FATAL", "ERROR"),
                        Arbitraries.of(true, false), wrappers())
                .as((name, form, severity, pooled, wrappers) -> {
                    Throwable server = serverError(severity, "08P01", form.message(name));
                    Throwable error = wrapAll(pooled ? hikariTimeout(server) : server, wrappers);
                    return switch (form) {
                        case PARAMETER, OLD_PARAMETER -> new Refusal(error, name, name);
                        case SETTING_IN_OPTIONS -> new Refusal(error, "options", name);
                        case MALFORMED_OPTIONS -> new Refusal(error, "options", "options");
                    };
                });
    }

    /** The messages PgBouncer refuses a startup parameter with. */
    enum RefusalForm {
        /** PgBouncer 1.18 and later. */
        PARAMETER("unsupported startup parameter: %s"),
        /** Older releases. */
        OLD_PARAMETER("Unsupported startup parameter: %s"),
        /** A setting inside options that PgBouncer (1.20 and later) does not know. */
        SETTING_IN_OPTIONS("unsupported startup parameter in options: %s"),
        /** Options that are not all -c name=value. */
        MALFORMED_OPTIONS("unsupported options startup parameter: only '-c config=val' is allowed");

        private final String template;

        RefusalForm(String template) {
            this.template = template;
        }

        String message(String name) {
            return template.contains("%s") ? template.replace("%s", name) : template;
        }
    }

    // ---------------------------------------------------------------- any chain

    @Provide
    Arbitrary<Case> anyChain() {
        Arbitrary<Node> node = Combinators.combine(Arbitraries.of(NodeKind.class), anySqlStates(), messages(),
                Arbitraries.of(Link.class)).as(Node::new);
        return Combinators.combine(node.list().ofMinSize(1).ofMaxSize(12), Arbitraries.integers().between(-1, 11))
                .as((nodes, cycleTo) -> new Case(buildChain(nodes, cycleTo), null));
    }

    /**
     * One throwable of a generated chain.
     *
     * @param kind     its type
     * @param sqlState the SQLState for SQLException kinds
     * @param message  its message, possibly {@code null}
     * @param link     how it holds the next (inner) throwable
     */
    record Node(NodeKind kind, String sqlState, String message, Link link) {
    }

    enum Link { CAUSE, NEXT_EXCEPTION, BOTH }

    enum NodeKind {
        RUNTIME((message, state) -> new RuntimeException(message)),
        ILLEGAL_STATE((message, state) -> new IllegalStateException(message)),
        CHECKED((message, state) -> new java.io.IOException(message)),
        SQL((message, state) -> new SQLException(message, state)),
        PGJDBC_SERVER((message, state) -> serverError("ERROR", state == null ? "" : state, message)),
        PGJDBC_CLIENT((message, state) -> new PSQLException(message, PSQLState.CONNECTION_FAILURE)),
        HIKARI_TIMEOUT((message, state) -> new SQLTransientConnectionException(
                "p - Connection is not available, request timed out after 30000ms.", state)),
        CONNECT((message, state) -> new ConnectException(message)),
        UNKNOWN_HOST((message, state) -> new UnknownHostException(message)),
        SSL((message, state) -> new SSLException(message)),
        // The categorizer never makes NOT_INITIALIZED itself: seeing it means it returned this one unchanged.
        ALREADY_CATEGORIZED((message, state) -> new DatabaseError(ErrorCode.NOT_INITIALIZED, String.valueOf(message))),
        MESSAGE_THROWS((message, state) -> new MessageThrows()),
        CAUSE_THROWS((message, state) -> new CauseThrows(message)),
        SQL_STATE_THROWS((message, state) -> new SqlStateThrows(message));

        private final BiFunction<String, String, Throwable> create;

        NodeKind(BiFunction<String, String, Throwable> create) {
            this.create = create;
        }
    }

    /** Builds the nodes outermost first; {@code cycleTo} ≥ 0 makes the innermost point back at that node. */
    private static Throwable buildChain(List<Node> nodes, int cycleTo) {
        List<Throwable> built = new ArrayList<>();
        for (Node node : nodes) {
            built.add(node.kind().create.apply(node.message(), node.sqlState()));
        }
        for (int i = 0; i < built.size(); i++) {
            Throwable inner = i + 1 < built.size() ? built.get(i + 1)
                    : cycleTo >= 0 ? built.get(cycleTo % built.size()) : null;
            if (inner != null) {
                link(built.get(i), inner, nodes.get(i).link());
            }
        }
        return built.get(0);
    }

    private static void link(Throwable outer, Throwable inner, Link link) {
        if (link != Link.NEXT_EXCEPTION || !(outer instanceof SQLException)) {
            try {
                outer.initCause(inner);
            } catch (IllegalStateException | IllegalArgumentException alreadySetOrSelf) {
                // Kinds built with an explicit cause, or a cycle onto itself: keep the chain as it is.
            }
        }
        if (link != Link.CAUSE && outer instanceof SQLException sql && inner instanceof SQLException next
                && sql.getNextException() == null) {
            sql.setNextException(next);
        }
    }

    private static Arbitrary<String> anySqlStates() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('0', '9').withCharRange('A', 'Z').ofLength(5),
                Arbitraries.of("08001", "08004", "08006", "28P01", "3D000", "23505", "42P01", "53300", "57P01",
                        "40001", "22P02", "P0001", "XX000"),
                Arbitraries.strings().ofMaxLength(8),
                Arbitraries.just(null));
    }

    // ---------------------------------------------------------------- passwords

    @Provide
    Arbitrary<String> passwords() {
        return Arbitraries.strings().alpha().numeric().withChars("!$*+-._~^%").ofMinLength(6).ofMaxLength(24);
    }

    /**
     * A password put where messages carry one, in a throwable of some kind, wrapped some way.
     *
     * @param template     the message, {@code {pw}} standing for the password
     * @param carrier      which throwable carries it
     * @param wrappers     what wraps that throwable
     * @param carelessUrl  whether the target's "sanitized" URL carries the password too
     */
    record Leak(String template, Carrier carrier, List<Wrapper> wrappers, boolean carelessUrl) {

        DatabaseError categorize(String password) {
            String message = template.replace("{pw}", password);
            ConnectionTarget target = carelessUrl
                    ? new ConnectionTarget("h:5432", "db", "u", "postgresql://u:" + password + "@h:5432/db")
                    : ConnectionTarget.UNKNOWN;
            return ErrorClassifier.classify(wrapAll(carrier.create.apply(message), wrappers), target);
        }
    }

    enum Carrier {
        RUNTIME(RuntimeException::new),
        PGJDBC_CLIENT(message -> new PSQLException(message, PSQLState.CONNECTION_UNABLE_TO_CONNECT,
                new ConnectException("Connection refused"))),
        PGJDBC_SERVER(message -> serverError("FATAL", "28P01", message)),
        SQL_UNKNOWN_STATE(message -> new SQLException(message, "XX000")),
        UNKNOWN_HOST(UnknownHostException::new),
        SSL(SSLException::new);

        private final Function<String, Throwable> create;

        Carrier(Function<String, Throwable> create) {
            this.create = create;
        }
    }

    @Provide
    Arbitrary<Leak> leaks() {
        Arbitrary<String> templates = Arbitraries.of(
                "invalid connection option password={pw}",
                "could not connect: user=app password={pw} host=db1 dbname=orders",
                "jdbc:postgresql://db1:5432/orders?user=app&password={pw}&sslmode=require",
                "sslmode=verify-full sslpassword={pw} sslkey=/etc/app/key.pk8",
                "Connection to postgresql://u:{pw}@h/db failed",
                "bad URL jdbc:postgresql://app:{pw}@db1:5432,db2:5432/orders?targetServerType=primary",
                "FATAL: password authentication failed; tried password={pw}");
        return Combinators.combine(templates, Arbitraries.of(Carrier.class), wrappers(), Arbitraries.of(true, false))
                .as(Leak::new);
    }

    // ---------------------------------------------------------------- shared pieces

    /**
     * One layer of wrapping, the way applications, MyBatis and executors wrap.
     *
     * @param kind    how it wraps
     * @param message its own message
     */
    record Wrapper(WrapperKind kind, String message) {
    }

    enum WrapperKind { RUNTIME, MYBATIS, SQL_CAUSE, SQL_NEXT, EXECUTION }

    @Provide
    Arbitrary<ConnectionTarget> targets() {
        return Arbitraries.of(ConnectionTarget.UNKNOWN, ORDERS,
                new ConnectionTarget("unknown host", null, null, null),
                new ConnectionTarget("db.example.com:6432", "Orders Archive", null, null));
    }

    private static Arbitrary<List<Wrapper>> wrappers() {
        return Combinators.combine(Arbitraries.of(WrapperKind.class), messages())
                .as(Wrapper::new)
                .list().ofMaxSize(8);
    }

    private static Throwable wrapAll(Throwable error, List<Wrapper> wrappers) {
        Throwable wrapped = error;
        for (Wrapper wrapper : wrappers) {
            wrapped = wrap(wrapper, wrapped);
        }
        return wrapped;
    }

    private static Throwable wrap(Wrapper wrapper, Throwable inner) {
        String message = wrapper.message();
        return switch (wrapper.kind()) {
            case RUNTIME -> new RuntimeException(message, inner);
            case MYBATIS -> new RuntimeException("\n### Error querying database.  Cause: " + inner
                    + "\n### The error may exist in OrderMapper.xml", inner);
            case SQL_CAUSE -> new SQLException(message, inner);
            case SQL_NEXT -> {
                SQLException outer = new SQLException(message);
                if (inner instanceof SQLException next) {
                    outer.setNextException(next);
                } else {
                    outer.initCause(inner);
                }
                yield outer;
            }
            case EXECUTION -> new ExecutionException(message, inner);
        };
    }

    /** Random text, localized server and driver texts, texts that would mislead a message matcher, and null. */
    private static Arbitrary<String> messages() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(60),
                Arbitraries.of(
                        "Verbindung verweigert",
                        "接続が拒否されました",
                        "Соединение отклонено",
                        "La connexion a été refusée",
                        "连接被拒绝",
                        "arrêt des connexions suite à la demande de l'administrateur",
                        "password authentication failed for user \"app\"",
                        "database \"orders\" does not exist",
                        "relation \"users\" does not exist",
                        "sorry, too many clients already",
                        "certificate expired",
                        ""),
                Arbitraries.just(null));
    }

    /** A server ErrorResponse as pgjdbc parses it: one-letter tags, NUL-terminated fields. */
    private static PSQLException serverError(String severity, String sqlState, String message) {
        String safeMessage = message == null ? "" : message.replace('\0', ' ');
        String safeState = sqlState.replace('\0', ' ');
        return new PSQLException(new ServerErrorMessage(
                "S" + severity + "\0V" + severity + "\0C" + safeState + "\0M" + safeMessage + "\0\0"));
    }

    /** HikariPool.createTimeoutException: the last failure's SQLState, the failure as cause and as next. */
    private static SQLTransientConnectionException hikariTimeout(Throwable lastFailure) {
        String sqlState = lastFailure instanceof SQLException sql ? sql.getSQLState() : null;
        var timeout = new SQLTransientConnectionException("pgkeeper-1 - Connection is not available, request "
                + "timed out after 10004ms (total=0, active=0, idle=0, waiting=1)", sqlState, 0, lastFailure);
        if (lastFailure instanceof SQLException sql) {
            timeout.setNextException(sql);
        }
        return timeout;
    }

    // ---------------------------------------------------------------- exceptions that misbehave

    static final class MessageThrows extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @Override
        public String getMessage() {
            throw new IllegalStateException("getMessage is broken");
        }
    }

    static final class CauseThrows extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CauseThrows(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable getCause() {
            throw new UnsupportedOperationException("getCause is broken");
        }
    }

    static final class SqlStateThrows extends SQLException {
        private static final long serialVersionUID = 1L;

        SqlStateThrows(String message) {
            super(message);
        }

        @Override
        public String getSQLState() {
            throw new IllegalStateException("getSQLState is broken");
        }
    }
}
