package dev.pgkeeper;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.pgkeeper.internal.errors.ConnectionTarget;
import dev.pgkeeper.internal.errors.ErrorClassifier;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateExpiredException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.postgresql.util.ServerErrorMessage;

/**
 * Exception chains are built the way pgjdbc, HikariCP and MyBatis build them; the messages are theirs.
 */
class ErrorCategorizerTest {

    private static final String HIKARI_TIMEOUT =
            "pgkeeper-1 - Connection is not available, request timed out after 2001ms "
                    + "(total=8, active=8, idle=0, waiting=3)";

    private static final ConnectionTarget ORDERS = new ConnectionTarget(
            "db1.internal:5433", "orders", "app", "postgresql://app:****@db1.internal:5433/orders?sslmode=require");

    // ---------------------------------------------------------------- how the libraries build their exceptions

    /** What pgjdbc throws for an ErrorResponse: fields are a one-letter tag and text, each ended by NUL. */
    private static PSQLException serverError(String severity, String sqlState, String message, String... moreFields) {
        StringBuilder fields = new StringBuilder()
                .append('S').append(severity).append('\0')
                .append('V').append(severity).append('\0')
                .append('C').append(sqlState).append('\0')
                .append('M').append(message).append('\0');
        for (String field : moreFields) {
            fields.append(field).append('\0');
        }
        return new PSQLException(new ServerErrorMessage(fields.append('\0').toString()));
    }

    /** pgjdbc's ConnectionFactoryImpl for any IOException while connecting (DNS, TLS, timeouts). */
    private static PSQLException connectionAttemptFailed(Throwable ioFailure) {
        return new PSQLException("The connection attempt failed.", PSQLState.CONNECTION_UNABLE_TO_CONNECT, ioFailure);
    }

    /** pgjdbc's ConnectionFactoryImpl for a ConnectException. */
    private static PSQLException connectionRefused() {
        return new PSQLException("Connection to db1.internal:5433 refused. Check that the hostname and port are "
                + "correct and that the postmaster is accepting TCP/IP connections.",
                PSQLState.CONNECTION_UNABLE_TO_CONNECT, new ConnectException("Connection refused"));
    }

    /** HikariPool.createTimeoutException: the last connection failure's SQLState, as cause and as next. */
    private static SQLTransientConnectionException hikariTimeout(Throwable lastConnectionFailure) {
        String sqlState = lastConnectionFailure instanceof SQLException sql ? sql.getSQLState() : null;
        var timeout = new SQLTransientConnectionException(HIKARI_TIMEOUT, sqlState, 0, lastConnectionFailure);
        if (lastConnectionFailure instanceof SQLException sql) {
            timeout.setNextException(sql);
        }
        return timeout;
    }

    /** MyBatis's ExceptionFactory wraps every failure in a PersistenceException with a multi-line message. */
    private static RuntimeException mybatisWrapped(Throwable cause) {
        return new RuntimeException("\n### Error querying database.  Cause: " + cause
                + "\n### The error may exist in OrderMapper.xml\n### SQL: select * from orders where id = ?", cause);
    }

    private static DatabaseError categorize(Throwable error) {
        return ErrorCategorizer.categorize(error);
    }

    // ---------------------------------------------------------------- rule by rule

    @Nested
    class Dns {

        @Test
        void unknownHostUnderPgjdbcs08001IsDnsNotNetwork() {
            DatabaseError error = categorize(connectionAttemptFailed(new UnknownHostException("db.invalid")));

            assertThat(error.code()).isEqualTo(ErrorCode.DNS_ERROR);
            assertThat(error.kind()).isEqualTo(ErrorKind.TEMPORARY);
            assertThat(error.sqlState()).isEqualTo("08001");
            assertThat(error.getMessage()).contains("UnknownHostException: db.invalid");
        }

        @Test
        void unknownHostBehindHikariTimeoutIsDnsError() {
            var error = categorize(hikariTimeout(connectionAttemptFailed(new UnknownHostException("db.invalid"))));

            assertThat(error.code()).isEqualTo(ErrorCode.DNS_ERROR);
        }
    }

    @Nested
    class Ssl {

        @ParameterizedTest
        @ValueSource(strings = {"The connection attempt failed.", "SSL error: PKIX path building failed"})
        void handshakeFailureUnderAConnectionStateIsSslError(String pgjdbcMessage) {
            var handshake = new SSLHandshakeException("PKIX path building failed: unable to find valid "
                    + "certification path to requested target");
            var error = categorize(new PSQLException(pgjdbcMessage, PSQLState.CONNECTION_UNABLE_TO_CONNECT, handshake));

            assertThat(error.code()).isEqualTo(ErrorCode.SSL_ERROR);
            assertThat(error.kind()).isEqualTo(ErrorKind.PERMANENT);
            assertThat(error.getMessage()).contains("SSLHandshakeException: PKIX path building failed");
        }

        @Test
        void expiredCertificateIsSslError() {
            var handshake = new SSLHandshakeException("certificate expired");
            handshake.initCause(new CertificateExpiredException("NotAfter: Tue Jan 02 00:00:00 UTC 2024"));

            var error = categorize(new PSQLException("SSL error: certificate expired", PSQLState.CONNECTION_FAILURE,
                    handshake));

            assertThat(error.code()).isEqualTo(ErrorCode.SSL_ERROR);
            assertThat(error.getMessage()).contains("CertificateExpiredException");
        }

        @Test
        void aRejectedCertificateOrHostNameStartsTheStepsWithTheCaAndTheNamesNotWithTurningSslOn() {
            var wrongCa = categorize(new PSQLException("SSL error: PKIX path building failed",
                    PSQLState.CONNECTION_FAILURE, new SSLHandshakeException("PKIX path building failed")));
            var wrongHost = categorize(new PSQLException("The hostname 127.0.0.1 could not be verified by "
                    + "hostnameverifier PgjdbcHostnameVerifier.", PSQLState.CONNECTION_FAILURE));
            var noTls = categorize(new PSQLException("The server does not support SSL.", PSQLState.CONNECTION_REJECTED));

            assertThat(wrongCa.code()).isEqualTo(ErrorCode.SSL_ERROR);
            assertThat(wrongCa.troubleshootingSteps().get(0)).contains("sslrootcert");
            assertThat(wrongHost.code()).isEqualTo(ErrorCode.SSL_ERROR);
            assertThat(wrongHost.troubleshootingSteps()).anySatisfy(step -> assertThat(step).contains("verify-full",
                    "subject alternative names"));
            assertThat(noTls.troubleshootingSteps().get(0)).contains("turn it on: ssl = on");
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "The server does not support SSL.",
                "The server does not support GSS Encryption.",
                "Der Server unterstützt SSL nicht.",
                "サーバはSSLをサポートしていません。",
                "服务器不支援 SSL 连线。"})
        void serverRejectingEncryptionWith08004IsSslError(String message) {
            var error = categorize(hikariTimeout(new PSQLException(message, PSQLState.CONNECTION_REJECTED)));

            assertThat(error.code()).isEqualTo(ErrorCode.SSL_ERROR);
            assertThat(error.sqlState()).isEqualTo("08004");
        }

        @Test
        void hostNameVerificationFailureIsSslErrorAlthoughPgjdbcSays08006() {
            var error = categorize(new PSQLException("The hostname db1.internal could not be verified by "
                    + "hostnameverifier PgjdbcHostnameVerifier.", PSQLState.CONNECTION_FAILURE));

            assertThat(error.code()).isEqualTo(ErrorCode.SSL_ERROR);
        }

        @Test
        void handshakeCutOffByThePeerIsANetworkErrorNotAnSslError() {
            var handshake = new SSLHandshakeException("Remote host terminated the handshake");
            handshake.initCause(new EOFException("SSL peer shut down incorrectly"));

            var error = categorize(new PSQLException("SSL error: Remote host terminated the handshake",
                    PSQLState.CONNECTION_FAILURE, handshake));

            assertThat(error.code()).isEqualTo(ErrorCode.NETWORK_ERROR);
            assertThat(error.isTemporary()).isTrue();
        }
    }

    @Nested
    class Authentication {

        @Test
        void wrongPasswordIs28P01() {
            var error = categorize(hikariTimeout(serverError("FATAL", "28P01",
                    "password authentication failed for user \"app\"")));

            assertThat(error.code()).isEqualTo(ErrorCode.AUTH_FAILED);
            assertThat(error.kind()).isEqualTo(ErrorKind.PERMANENT);
            assertThat(error.sqlState()).isEqualTo("28P01");
            assertThat(error.getMessage()).contains("FATAL: password authentication failed for user \"app\"");
        }

        @Test
        void theStepsStartWithTheLikelyCauseAndNameWhereThePasswordCameFrom() {
            var fromFile = new ConnectionTarget("db1:5432", "orders", "app", null, "DB_PASSWORD_FILE (/run/secrets/db)");
            var wrongPassword = ErrorClassifier.classify(serverError("FATAL", "28P01",
                    "password authentication failed for user \"app\""), fromFile);
            var noHbaLine = ErrorClassifier.classify(serverError("FATAL", "28000",
                    "connection requires a valid client certificate"), fromFile);
            var fromUrl = ErrorClassifier.classify(serverError("FATAL", "28P01",
                    "password authentication failed for user \"app\""), new ConnectionTarget("db1:5432", "orders", "app", null));

            assertThat(wrongPassword.troubleshootingSteps().get(0))
                    .contains("that DB_PASSWORD_FILE (/run/secrets/db) gives").doesNotContain("in DATABASE_URL");
            assertThat(noHbaLine.troubleshootingSteps().get(0)).startsWith("Check pg_hba.conf");
            assertThat(fromUrl.troubleshootingSteps().get(0)).contains("in DATABASE_URL; percent-encode");
        }

        @Test
        void missingPgHbaEntryIs28000EvenThoughItMentionsEncryption() {
            var error = categorize(serverError("FATAL", "28000",
                    "no pg_hba.conf entry for host \"10.0.0.5\", user \"app\", database \"orders\", no encryption"));

            assertThat(error.code()).isEqualTo(ErrorCode.AUTH_FAILED);
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "The server requested password-based authentication, but no password was provided by plugin null",
                "Authentication method is not allowed by requireAuth",
                "Channel Binding is required, but SSL is not in use",
                "Требуется channel binding, но SSL не используется"})
        void authenticationNegotiationRejectedWith08004IsAuthFailed(String message) {
            var error = categorize(new PSQLException(message, PSQLState.CONNECTION_REJECTED));

            assertThat(error.code()).isEqualTo(ErrorCode.AUTH_FAILED);
        }

        @Test
        void sqlStateOnAConnectionExceptionTypeOutranksTheType() {
            var error = categorize(new SQLNonTransientConnectionException("role \"app\" is not permitted to log in",
                    "28000"));

            assertThat(error.code()).isEqualTo(ErrorCode.AUTH_FAILED);
        }
    }

    @Nested
    class RefusedStartupParameter {

        @Test
        void pgBouncerRefusingOptionsIsAPermanentConfigurationErrorNotANetworkError() {
            var error = ErrorClassifier.classify(hikariTimeout(serverError("FATAL", "08P01",
                    "unsupported startup parameter: options")), ORDERS);

            assertThat(error.code()).isEqualTo(ErrorCode.CONFIGURATION_ERROR);
            assertThat(error.kind()).isEqualTo(ErrorKind.PERMANENT);
            assertThat(error.sqlState()).isEqualTo("08P01");
            assertThat(error.getMessage()).startsWith("The connection pooler or server at db1.internal:5433 "
                    + "(database orders) refused the startup parameter options: ")
                    .contains("FATAL: unsupported startup parameter: options");
            assertThat(error.troubleshootingSteps()).hasSizeBetween(3, 5);
            assertThat(error.troubleshootingSteps().get(0)).contains("DB_STATEMENT_TIMEOUT",
                    "ALTER ROLE app SET statement_timeout");
            assertThat(error.troubleshootingSteps()).anySatisfy(step -> assertThat(step)
                    .contains("DATABASE_URL", "options=..."));
            assertThat(error.troubleshootingSteps()).anySatisfy(step -> assertThat(step)
                    .contains("ignore_startup_parameters = extra_float_digits,options", "db1.internal"));
        }

        @Test
        void aSettingRefusedInsideOptionsIsNamed() {
            var error = categorize(serverError("FATAL", "08P01",
                    "unsupported startup parameter in options: search_path"));

            assertThat(error.code()).isEqualTo(ErrorCode.CONFIGURATION_ERROR);
            assertThat(error.getMessage()).contains("refused the startup parameter options (setting search_path)");
            assertThat(error.troubleshootingSteps().get(0)).as("the URL comes first: pgkeeper never sends search_path")
                    .contains("options=...");
            assertThat(error.troubleshootingSteps()).anySatisfy(step -> assertThat(step).contains("DB_STATEMENT_TIMEOUT"))
                    .anySatisfy(step -> assertThat(step).contains("add search_path (or options",
                            "ignore_startup_parameters = extra_float_digits,search_path"));
        }

        @Test
        void anotherParameterIsNamedWithoutTheStatementTimeoutStep() {
            var error = categorize(serverError("FATAL", "08P01", "Unsupported startup parameter: extra_float_digits"));

            assertThat(error.code()).isEqualTo(ErrorCode.CONFIGURATION_ERROR);
            assertThat(error.getMessage()).contains("refused the startup parameter extra_float_digits");
            assertThat(error.troubleshootingSteps()).noneSatisfy(step -> assertThat(step).contains("DB_STATEMENT_TIMEOUT"))
                    .anySatisfy(step -> assertThat(step).contains("DATABASE_URL sets extra_float_digits"))
                    .anySatisfy(step -> assertThat(step).contains("ignore_startup_parameters = extra_float_digits "));
        }

        @Test
        void optionsWithoutMinusCIsRefusedOptions() {
            var error = categorize(serverError("FATAL", "08P01",
                    "unsupported options startup parameter: only '-c config=val' is allowed"));

            assertThat(error.code()).isEqualTo(ErrorCode.CONFIGURATION_ERROR);
            assertThat(error.troubleshootingSteps().get(0)).contains("DB_STATEMENT_TIMEOUT");
        }

        @ParameterizedTest
        @ValueSource(strings = {"invalid frontend message type 0", "unexpected EOF on client connection",
                "server conn crashed?", "query_wait_timeout"})
        void otherProtocolViolationsStayNetworkErrors(String message) {
            var error = categorize(serverError("FATAL", "08P01", message));

            assertThat(error.code()).isEqualTo(ErrorCode.NETWORK_ERROR);
        }

        @Test
        void pgjdbcsOwnProtocolViolationStaysANetworkError() {
            var error = categorize(new PSQLException("Protocol error.  Session setup failed.", PSQLState.PROTOCOL_VIOLATION));

            assertThat(error.code()).isEqualTo(ErrorCode.NETWORK_ERROR);
        }

        @Test
        void theMessageAloneDecidesNothingTheSqlStateComesFirst() {
            var withOtherState = categorize(serverError("FATAL", "XX000", "unsupported startup parameter: options"));
            var withoutState = categorize(new IllegalStateException("unsupported startup parameter: options"));

            assertThat(withOtherState.code()).isEqualTo(ErrorCode.UNKNOWN_ERROR);
            assertThat(withoutState.code()).isEqualTo(ErrorCode.UNKNOWN_ERROR);
        }
    }

    @Nested
    class LostServerSidePreparedStatement {

        @ParameterizedTest
        @ValueSource(strings = {"26000:prepared statement \"S_1\" does not exist",
                "42P05:prepared statement \"S_12\" already exists",
                "26000:l'instruction préparée « S_3 » n'existe pas"})
        void pgjdbcsStatementsLostBehindATransactionPoolerAreAConfigurationError(String stateAndMessage) {
            String[] parts = stateAndMessage.split(":", 2);
            var error = ErrorClassifier.classify(serverError("ERROR", parts[0], parts[1]), ORDERS);

            assertThat(error.code()).isEqualTo(ErrorCode.CONFIGURATION_ERROR);
            assertThat(error.kind()).isEqualTo(ErrorKind.PERMANENT);
            assertThat(error.sqlState()).isEqualTo(parts[0]);
            assertThat(error.getMessage()).startsWith("A statement pgjdbc prepared on the server is missing or taken"
                    + " on the server connection at db1.internal:5433").contains(parts[1]);
            assertThat(error.troubleshootingSteps().get(0)).contains("DB_PGBOUNCER=transaction", "prepareThreshold=0");
        }

        @Test
        void statementsTheApplicationNamedKeepTheirUsualCategory() {
            assertThat(categorize(serverError("ERROR", "42P05", "prepared statement \"find_user\" already exists")).code())
                    .isEqualTo(ErrorCode.SCHEMA_ERROR);
            assertThat(categorize(serverError("ERROR", "26000", "prepared statement \"find_user\" does not exist")).code())
                    .isNotEqualTo(ErrorCode.CONFIGURATION_ERROR);
        }
    }

    @Nested
    class SqlStates {

        @Test
        void missingDatabaseIs3D000() {
            var error = categorize(serverError("FATAL", "3D000", "database \"orderz\" does not exist"));

            assertThat(error.code()).isEqualTo(ErrorCode.DATABASE_NOT_FOUND);
            assertThat(error.kind()).isEqualTo(ErrorKind.PERMANENT);
        }

        @ParameterizedTest
        @MethodSource("dev.pgkeeper.ErrorCategorizerTest#serverSqlStates")
        void sqlStateDecides(String sqlState, String message, ErrorCode expected) {
            var error = categorize(mybatisWrapped(serverError("ERROR", sqlState, message)));

            assertThat(error.code()).isEqualTo(expected);
            assertThat(error.sqlState()).isEqualTo(sqlState);
            assertThat(error.getMessage()).contains("ERROR: " + message);
        }

        @Test
        void uniqueViolationNamesTheConstraintButNotTheRowValues() {
            var error = categorize(mybatisWrapped(serverError("ERROR", "23505",
                    "duplicate key value violates unique constraint \"users_email_key\"",
                    "DKey (email)=(alice@example.com) already exists.", "spublic", "tusers", "nusers_email_key")));

            assertThat(error.code()).isEqualTo(ErrorCode.UNIQUE_VIOLATION);
            assertThat(error.kind()).isEqualTo(ErrorKind.PERMANENT);
            assertThat(error.context()).containsEntry("constraint", "users_email_key")
                    .containsEntry("table", "users")
                    .containsEntry("schema", "public");
            assertThat(error.troubleshootingSteps()).anySatisfy(step -> assertThat(step)
                    .contains("constraint users_email_key").contains("table public.users"));
            assertThat(error.troubleshootingSteps()).anySatisfy(step -> assertThat(step)
                    .contains("ON CONFLICT ON CONSTRAINT users_email_key"));
            assertThat(error.getMessage() + error.troubleshootingSteps() + error.context())
                    .doesNotContain("alice@example.com");
        }

        @Test
        void notNullViolationNamesTheColumn() {
            var error = categorize(serverError("ERROR", "23502",
                    "null value in column \"email\" of relation \"users\" violates not-null constraint",
                    "tusers", "cemail"));

            assertThat(error.code()).isEqualTo(ErrorCode.NOT_NULL_VIOLATION);
            assertThat(error.troubleshootingSteps()).anySatisfy(step -> assertThat(step).contains("column email"));
        }

        @Test
        void batchFailureIsFoundThroughTheNextExceptionChain() {
            var batch = new BatchUpdateException("Batch entry 0 insert into users (email) values (?) was aborted. "
                    + "Call getNextException to see other errors in the batch.", null, 0, new int[0]);
            batch.setNextException(serverError("ERROR", "23505",
                    "duplicate key value violates unique constraint \"users_email_key\""));

            var error = categorize(mybatisWrapped(batch));

            assertThat(error.code()).isEqualTo(ErrorCode.UNIQUE_VIOLATION);
            assertThat(error.sqlState()).isEqualTo("23505");
        }

        @ParameterizedTest
        @MethodSource("dev.pgkeeper.ErrorCategorizerTest#localizedServerErrors")
        void localizedServerMessagesAreCategorizedBySqlState(String sqlState, String message, ErrorCode expected) {
            assertThat(categorize(serverError("FATAL", sqlState, message)).code()).isEqualTo(expected);
        }

        @Test
        void unknownSqlStateStopsTheMessageFallback() {
            // A PL/pgSQL RAISE: the server said exactly what it is, whatever the words.
            var error = categorize(serverError("ERROR", "P0001", "timeout talking to the billing service"));

            assertThat(error.code()).isEqualTo(ErrorCode.UNKNOWN_ERROR);
            assertThat(error.sqlState()).isEqualTo("P0001");
            assertThat(error.troubleshootingSteps()).anySatisfy(step -> assertThat(step).contains("P0001"));
        }
    }

    @Nested
    class Network {

        @Test
        void refusedConnectionQuotesTheJdksMessage() {
            var error = categorize(connectionRefused());

            assertThat(error.code()).isEqualTo(ErrorCode.NETWORK_ERROR);
            assertThat(error.kind()).isEqualTo(ErrorKind.TEMPORARY);
            assertThat(error.sqlState()).isEqualTo("08001");
            assertThat(error.getMessage()).endsWith(": ConnectException: Connection refused");
        }

        @ParameterizedTest
        @ValueSource(strings = {"57P01", "57P02", "57P03"})
        void serverShuttingDownOrStartingIsNetworkError(String sqlState) {
            var error = categorize(serverError("FATAL", sqlState, "terminating connection due to administrator command"));

            assertThat(error.code()).isEqualTo(ErrorCode.NETWORK_ERROR);
            assertThat(error.isTemporary()).isTrue();
        }

        @Test
        void ioErrorWhileSendingIs08006() {
            var error = categorize(mybatisWrapped(new PSQLException("An I/O error occurred while sending to the "
                    + "backend.", PSQLState.CONNECTION_FAILURE, new SocketException("Connection reset"))));

            assertThat(error.code()).isEqualTo(ErrorCode.NETWORK_ERROR);
            assertThat(error.getMessage()).contains("SocketException: Connection reset");
        }

        @ParameterizedTest
        @MethodSource("dev.pgkeeper.ErrorCategorizerTest#socketFailures")
        void socketFailureTypesAreNetworkErrorsWithoutAnySqlState(Throwable failure) {
            var error = categorize(new RuntimeException("wrapped", failure));

            assertThat(error.code()).isEqualTo(ErrorCode.NETWORK_ERROR);
            assertThat(error.sqlState()).isNull();
        }

        @Test
        void connectionExceptionTypeWithoutSqlStateIsNetworkError() {
            assertThat(categorize(new SQLNonTransientConnectionException("connection lost")).code())
                    .isEqualTo(ErrorCode.NETWORK_ERROR);
        }

        @Test
        void onATieTheOutermostSqlStateIsReported() {
            var outer = new SQLException("connection attempt failed", "08001",
                    new PSQLException("An I/O error occurred", PSQLState.CONNECTION_FAILURE));

            assertThat(categorize(outer).sqlState()).isEqualTo("08001");
        }
    }

    @Nested
    class HikariPoolTimeout {

        @Test
        void timeoutWithoutAConnectionFailureIsPoolExhausted() {
            var error = categorize(new SQLTransientConnectionException(HIKARI_TIMEOUT, null, 0, null));

            assertThat(error.code()).isEqualTo(ErrorCode.POOL_EXHAUSTED);
            assertThat(error.isTemporary()).isTrue();
            assertThat(error.getMessage()).contains("Connection is not available, request timed out after 2001ms");
        }

        @Test
        void timeoutCarryingARefusedConnectionIsNetworkError() {
            var error = categorize(hikariTimeout(connectionRefused()));

            assertThat(error.code()).isEqualTo(ErrorCode.NETWORK_ERROR);
            assertThat(error.sqlState()).isEqualTo("08001");
            assertThat(error.getMessage()).endsWith("ConnectException: Connection refused");
        }

        @Test
        void timeoutCarryingAWrongPasswordIsAuthFailed() {
            var error = categorize(hikariTimeout(serverError("FATAL", "28P01",
                    "password authentication failed for user \"app\"")));

            assertThat(error.code()).isEqualTo(ErrorCode.AUTH_FAILED);
        }

        @Test
        void timeoutCarryingAnUnrecognisedFailureIsStillPoolExhausted() {
            var error = categorize(hikariTimeout(new IllegalStateException("custom DataSource hook failed")));

            assertThat(error.code()).isEqualTo(ErrorCode.POOL_EXHAUSTED);
        }

        @Test
        void tooManyClientsOnTheServerIsPoolExhausted() {
            var error = categorize(hikariTimeout(serverError("FATAL", "53300", "sorry, too many clients already")));

            assertThat(error.code()).isEqualTo(ErrorCode.POOL_EXHAUSTED);
            assertThat(error.getMessage()).contains("FATAL: sorry, too many clients already");
        }
    }

    @Nested
    class MessageFallback {

        @ParameterizedTest
        @MethodSource("dev.pgkeeper.ErrorCategorizerTest#plainMessages")
        void messagesDecideOnlyWhenNothingElseDoes(String message, ErrorCode expected) {
            assertThat(categorize(new RuntimeException("wrapper", new IllegalStateException(message))).code())
                    .isEqualTo(expected);
        }

        @Test
        void aTypeAnywhereInTheChainOutranksAnyMessage() {
            var error = categorize(new IllegalStateException("password authentication failed for user \"app\"",
                    new ConnectException("Connection refused")));

            assertThat(error.code()).isEqualTo(ErrorCode.NETWORK_ERROR);
        }

        @Test
        void tableNamedDatabaseSomethingIsNotAMissingDatabase() {
            assertThat(categorize(new RuntimeException("relation \"database_settings\" does not exist")).code())
                    .isEqualTo(ErrorCode.SCHEMA_ERROR);
        }

        @Test
        void unrecognisedFailureIsUnknownAndQuotesTheRootCause() {
            var error = categorize(new RuntimeException("outer", new IllegalArgumentException("boom")));

            assertThat(error.code()).isEqualTo(ErrorCode.UNKNOWN_ERROR);
            assertThat(error.kind()).isEqualTo(ErrorKind.TEMPORARY);
            assertThat(error.getMessage()).endsWith("IllegalArgumentException: boom");
            assertThat(error.troubleshootingSteps()).hasSizeGreaterThanOrEqualTo(2);
        }
    }

    // ---------------------------------------------------------------- the chain

    @Nested
    class Chain {

        @Test
        void existingDatabaseErrorIsReturnedUnchanged() {
            var inner = new DatabaseError(ErrorCode.NOT_INITIALIZED, "not initialized");
            var outer = new DatabaseError(ErrorCode.CONFIGURATION_ERROR, "bad config", List.of(),
                    Map.of(), inner);

            assertThat(categorize(mybatisWrapped(outer))).isSameAs(outer);
            assertThat(categorize(inner)).isSameAs(inner);
        }

        @Test
        void fiveLevelsOfWrappingAreSeenThrough() {
            Throwable error = connectionRefused();
            for (int level = 1; level <= 5; level++) {
                error = new RuntimeException("level " + level, error);
            }

            assertThat(categorize(error).code()).isEqualTo(ErrorCode.NETWORK_ERROR);
        }

        @Test
        void causeCycleTerminates() {
            var first = new RuntimeException("first");
            var second = new IllegalStateException("second");
            first.initCause(second);
            second.initCause(first);

            DatabaseError error = assertTimeoutPreemptively(ofSeconds(5), () -> categorize(first));

            assertThat(error.code()).isEqualTo(ErrorCode.UNKNOWN_ERROR);
            assertThat(error.getCause()).isSameAs(first);
        }

        @Test
        void nextExceptionCycleTerminates() {
            var first = new SQLException("first", "XX000");
            var second = new SQLException("second", "XX001");
            first.setNextException(second);
            second.setNextException(first);

            DatabaseError error = assertTimeoutPreemptively(ofSeconds(5), () -> categorize(first));

            assertThat(error.code()).isEqualTo(ErrorCode.UNKNOWN_ERROR);
            assertThat(error.sqlState()).isEqualTo("XX000");
        }

        @Test
        void chainDeeperThanTheDepthCapTerminates() {
            Throwable error = new ConnectException("Connection refused");
            for (int level = 1; level <= 1_000; level++) {
                error = new RuntimeException("level " + level, error);
            }
            Throwable deep = error;

            DatabaseError result = assertTimeoutPreemptively(ofSeconds(5), () -> categorize(deep));

            assertThat(result).isNotNull();
        }

        @Test
        void nullGivesUnknownErrorSayingSo() {
            var error = categorize(null);

            assertThat(error.code()).isEqualTo(ErrorCode.UNKNOWN_ERROR);
            assertThat(error.getMessage()).contains("no exception was given");
            assertThat(error.getCause()).isNull();
        }

        @Test
        void exceptionWhoseMethodsThrowStillGivesAnError() {
            var hostile = new RuntimeException() {
                @Override
                public String getMessage() {
                    throw new UnsupportedOperationException("no message for you");
                }
            };

            var error = categorize(new RuntimeException(null, hostile));

            assertThat(error.code()).isEqualTo(ErrorCode.UNKNOWN_ERROR);
            assertThat(error.getCause()).isNotNull();
        }
    }

    // ---------------------------------------------------------------- steps, kinds, target, secrets

    @Nested
    class StepsAndKinds {

        @ParameterizedTest
        @EnumSource(value = ErrorCode.class, mode = EnumSource.Mode.EXCLUDE, names = "NOT_INITIALIZED")
        void everyCategoryHasTheRightKindAndAtLeastTwoSteps(ErrorCode code) {
            var error = categorize(SAMPLES.get(code).get());

            assertThat(error.code()).isEqualTo(code);
            assertThat(error.kind()).isEqualTo(EXPECTED_KIND.getOrDefault(code, code.kind()));
            assertThat(error.troubleshootingSteps()).hasSizeBetween(2, 5).allSatisfy(step -> assertThat(step)
                    .isNotBlank().doesNotContain("user null", "database null", "table null"));
        }

        @ParameterizedTest
        @EnumSource(value = ErrorCode.class, names = {"NETWORK_ERROR", "POOL_EXHAUSTED", "DNS_ERROR",
                "AUTH_FAILED", "DATABASE_NOT_FOUND", "SSL_ERROR", "SCHEMA_ERROR", "UNKNOWN_ERROR"})
        void connectionLevelStepsNameTheTargetsHost(ErrorCode code) {
            var error = ErrorClassifier.classify(SAMPLES.get(code).get(), ORDERS);

            assertThat(error.getMessage()).contains("db1.internal:5433");
            assertThat(String.join("\n", error.troubleshootingSteps())).contains("db1.internal");
            assertThat(error.context()).containsEntry("host", "db1.internal:5433")
                    .containsEntry("database", "orders")
                    .containsEntry("user", "app")
                    .containsEntry("url", ORDERS.sanitizedUrl());
        }

        @Test
        void networkStepsGiveAPgIsReadyCommandForTheHostAndPort() {
            var error = ErrorClassifier.classify(hikariTimeout(connectionRefused()), ORDERS);

            assertThat(error.getMessage()).startsWith("Connection to db1.internal:5433 (database orders) failed: ");
            assertThat(error.troubleshootingSteps()).anySatisfy(step -> assertThat(step)
                    .contains("pg_isready -h db1.internal -p 5433"));
            assertThat(error.troubleshootingSteps()).anySatisfy(step -> assertThat(step).contains("port 5433"));
        }

        @Test
        void networkStepsCoverEveryHostOfAMultiHostTarget() {
            var target = new ConnectionTarget("db1:5432,[::1]:5433", "orders", "app", null);

            var error = ErrorClassifier.classify(connectionRefused(), target);

            assertThat(error.troubleshootingSteps()).anySatisfy(step -> assertThat(step)
                    .contains("pg_isready -h db1 -p 5432; pg_isready -h ::1 -p 5433"));
        }

        @Test
        void authStepsNameTheUserAndDatabase() {
            var error = ErrorClassifier.classify(serverError("FATAL", "28P01",
                    "password authentication failed for user \"app\""), ORDERS);

            assertThat(error.getMessage()).startsWith("Authentication for user app was rejected by db1.internal:5433");
            assertThat(error.troubleshootingSteps())
                    .anySatisfy(step -> assertThat(step).contains("password for user app"))
                    .anySatisfy(step -> assertThat(step).contains("pg_hba.conf on db1.internal")
                            .contains("user app").contains("database orders"));
        }

        @Test
        void missingDatabaseStepsSayHowToCreateIt() {
            var target = new ConnectionTarget("db1:5432", "Orders", "app", null);

            var error = ErrorClassifier.classify(serverError("FATAL", "3D000", "database \"Orders\" does not exist"),
                    target);

            assertThat(error.getMessage()).startsWith("Database Orders does not exist on db1:5432");
            assertThat(error.troubleshootingSteps()).anySatisfy(step -> assertThat(step)
                    .contains("CREATE DATABASE \"Orders\";"));
        }

        @Test
        void withoutATargetStepsSayWhereToLook() {
            var error = categorize(connectionRefused());

            assertThat(error.getMessage()).startsWith("Connection to the database server failed: ");
            assertThat(error.troubleshootingSteps()).anySatisfy(step -> assertThat(step)
                    .contains("the host and port in DATABASE_URL"));
            assertThat(error.context()).containsOnlyKeys("sqlState");
        }
    }

    @Nested
    class Secrets {

        @Test
        void passwordsInMessagesAndUrlsNeverReachTheError() {
            var leaky = new RuntimeException("could not open jdbc:postgresql://app:hunter2@db1/orders?sslmode=require"
                    + "&sslpassword=hunter2 with password=hunter2",
                    new PSQLException("The connection attempt failed for postgresql://u:hunter2@h/db",
                            PSQLState.CONNECTION_UNABLE_TO_CONNECT, new ConnectException("password=hunter2")));
            var careless = new ConnectionTarget("h:5432", "db", "u", "postgresql://u:hunter2@h:5432/db");

            for (DatabaseError error : new DatabaseError[] {categorize(leaky), ErrorClassifier.classify(leaky, careless),
                    categorize(new IllegalStateException("password=hunter2 rejected"))}) {
                assertThat(error.getMessage()).doesNotContain("hunter2");
                assertThat(error.toString()).doesNotContain("hunter2");
                assertThat(error.troubleshootingSteps()).noneMatch(step -> step.contains("hunter2"));
                assertThat(error.context().values()).noneMatch(value -> value.contains("hunter2"));
            }
        }
    }

    // ---------------------------------------------------------------- data

    static Stream<Arguments> serverSqlStates() {
        return Stream.of(
                Arguments.of("40001", "could not serialize access due to concurrent update",
                        ErrorCode.SERIALIZATION_FAILURE),
                Arguments.of("40P01", "deadlock detected", ErrorCode.DEADLOCK_DETECTED),
                Arguments.of("57014", "canceling statement due to statement timeout", ErrorCode.QUERY_CANCELED),
                Arguments.of("25006", "cannot execute INSERT in a read-only transaction",
                        ErrorCode.READ_ONLY_TRANSACTION),
                Arguments.of("23505", "duplicate key value violates unique constraint \"users_pkey\"",
                        ErrorCode.UNIQUE_VIOLATION),
                Arguments.of("23503", "insert or update on table \"orders\" violates foreign key constraint "
                        + "\"orders_user_id_fkey\"", ErrorCode.FOREIGN_KEY_VIOLATION),
                Arguments.of("23514", "new row for relation \"orders\" violates check constraint "
                        + "\"orders_total_check\"", ErrorCode.CHECK_VIOLATION),
                Arguments.of("23502", "null value in column \"email\" violates not-null constraint",
                        ErrorCode.NOT_NULL_VIOLATION),
                Arguments.of("23P01", "conflicting key value violates exclusion constraint \"no_overlap\"",
                        ErrorCode.CONSTRAINT_VIOLATION),
                Arguments.of("53300", "sorry, too many clients already", ErrorCode.POOL_EXHAUSTED),
                Arguments.of("42501", "permission denied for table orders", ErrorCode.PERMISSION_DENIED),
                Arguments.of("42P01", "relation \"orders\" does not exist", ErrorCode.SCHEMA_ERROR),
                Arguments.of("42703", "column \"totl\" does not exist", ErrorCode.SCHEMA_ERROR),
                Arguments.of("42883", "function lower(integer) does not exist", ErrorCode.SCHEMA_ERROR),
                Arguments.of("42601", "syntax error at or near \"FORM\"", ErrorCode.SCHEMA_ERROR),
                Arguments.of("3F000", "schema \"billing\" does not exist", ErrorCode.SCHEMA_ERROR),
                Arguments.of("22P02", "invalid input syntax for type uuid: \"abc\"", ErrorCode.DATA_ERROR),
                Arguments.of("22001", "value too long for type character varying(20)", ErrorCode.DATA_ERROR),
                Arguments.of("22012", "division by zero", ErrorCode.DATA_ERROR));
    }

    static Stream<Arguments> localizedServerErrors() {
        return Stream.of(
                Arguments.of("28P01", "Passwort-Authentifizierung für Benutzer »app« fehlgeschlagen",
                        ErrorCode.AUTH_FAILED),
                Arguments.of("3D000", "база данных \"orders\" не существует", ErrorCode.DATABASE_NOT_FOUND),
                Arguments.of("57P01", "arrêt des connexions suite à la demande de l'administrateur",
                        ErrorCode.NETWORK_ERROR),
                Arguments.of("53300", "接続が多すぎます", ErrorCode.POOL_EXHAUSTED),
                Arguments.of("42P01", "la relación «orders» no existe", ErrorCode.SCHEMA_ERROR));
    }

    static Stream<Throwable> socketFailures() {
        return Stream.of(new ConnectException("Connection refused"), new SocketTimeoutException("Read timed out"),
                new NoRouteToHostException("No route to host"), new PortUnreachableException("ICMP Port Unreachable"),
                new SocketException("Broken pipe"), new EOFException());
    }

    static Stream<Arguments> plainMessages() {
        return Stream.of(
                Arguments.of("Connection refused: connect", ErrorCode.NETWORK_ERROR),
                Arguments.of("read timed out after 30s", ErrorCode.NETWORK_ERROR),
                Arguments.of("Network is unreachable", ErrorCode.NETWORK_ERROR),
                Arguments.of("connection reset by peer", ErrorCode.NETWORK_ERROR),
                Arguments.of("db1: Name or service not known", ErrorCode.DNS_ERROR),
                Arguments.of("nodename nor servname provided, or not known", ErrorCode.DNS_ERROR),
                Arguments.of("FATAL: password authentication failed for user \"app\"", ErrorCode.AUTH_FAILED),
                Arguments.of("FATAL: database \"orders\" does not exist", ErrorCode.DATABASE_NOT_FOUND),
                Arguments.of("unable to verify the first certificate", ErrorCode.SSL_ERROR),
                Arguments.of("FATAL: sorry, too many clients already", ErrorCode.POOL_EXHAUSTED),
                Arguments.of("ERROR: relation \"users\" does not exist", ErrorCode.SCHEMA_ERROR),
                Arguments.of("ERROR: column \"emial\" does not exist", ErrorCode.SCHEMA_ERROR),
                Arguments.of("something odd happened", ErrorCode.UNKNOWN_ERROR));
    }

    /** One realistic failure per category the categorizer produces. */
    private static final Map<ErrorCode, Supplier<Throwable>> SAMPLES = new EnumMap<>(Map.ofEntries(
            Map.entry(ErrorCode.NETWORK_ERROR, ErrorCategorizerTest::connectionRefused),
            Map.entry(ErrorCode.POOL_EXHAUSTED, () -> new SQLTransientConnectionException(HIKARI_TIMEOUT)),
            Map.entry(ErrorCode.DNS_ERROR, () -> connectionAttemptFailed(new UnknownHostException("db.invalid"))),
            Map.entry(ErrorCode.AUTH_FAILED, () -> serverError("FATAL", "28P01", "password authentication failed")),
            Map.entry(ErrorCode.DATABASE_NOT_FOUND, () -> serverError("FATAL", "3D000", "database \"x\" does not exist")),
            Map.entry(ErrorCode.SSL_ERROR, () -> new PSQLException("The server does not support SSL.",
                    PSQLState.CONNECTION_REJECTED)),
            Map.entry(ErrorCode.SCHEMA_ERROR, () -> serverError("ERROR", "42P01", "relation \"x\" does not exist")),
            Map.entry(ErrorCode.UNKNOWN_ERROR, () -> new IllegalStateException("boom")),
            Map.entry(ErrorCode.SERIALIZATION_FAILURE, () -> serverError("ERROR", "40001", "could not serialize")),
            Map.entry(ErrorCode.DEADLOCK_DETECTED, () -> serverError("ERROR", "40P01", "deadlock detected")),
            Map.entry(ErrorCode.QUERY_CANCELED, () -> serverError("ERROR", "57014", "canceling statement")),
            Map.entry(ErrorCode.READ_ONLY_TRANSACTION, () -> serverError("ERROR", "25006", "read-only transaction")),
            Map.entry(ErrorCode.UNIQUE_VIOLATION, () -> serverError("ERROR", "23505", "duplicate key")),
            Map.entry(ErrorCode.FOREIGN_KEY_VIOLATION, () -> serverError("ERROR", "23503", "foreign key")),
            Map.entry(ErrorCode.CHECK_VIOLATION, () -> serverError("ERROR", "23514", "check constraint")),
            Map.entry(ErrorCode.NOT_NULL_VIOLATION, () -> serverError("ERROR", "23502", "not-null constraint")),
            Map.entry(ErrorCode.CONSTRAINT_VIOLATION, () -> serverError("ERROR", "23P01", "exclusion constraint")),
            Map.entry(ErrorCode.DATA_ERROR, () -> serverError("ERROR", "22P02", "invalid input syntax")),
            Map.entry(ErrorCode.PERMISSION_DENIED, () -> serverError("ERROR", "42501", "permission denied")),
            Map.entry(ErrorCode.CONFIGURATION_ERROR, () -> serverError("FATAL", "08P01",
                    "unsupported startup parameter: options"))));

    /** The design's table, checked here independently of {@link ErrorCode#kind()}. */
    private static final Map<ErrorCode, ErrorKind> EXPECTED_KIND = Map.of(
            ErrorCode.NETWORK_ERROR, ErrorKind.TEMPORARY,
            ErrorCode.POOL_EXHAUSTED, ErrorKind.TEMPORARY,
            ErrorCode.DNS_ERROR, ErrorKind.TEMPORARY,
            ErrorCode.AUTH_FAILED, ErrorKind.PERMANENT,
            ErrorCode.DATABASE_NOT_FOUND, ErrorKind.PERMANENT,
            ErrorCode.SSL_ERROR, ErrorKind.PERMANENT,
            ErrorCode.SCHEMA_ERROR, ErrorKind.PERMANENT,
            ErrorCode.UNKNOWN_ERROR, ErrorKind.TEMPORARY);
}
