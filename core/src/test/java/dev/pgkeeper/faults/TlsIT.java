package dev.pgkeeper.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.ConnectionResult;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.TestConfigs;
import dev.pgkeeper.testing.LogCapture;
import dev.pgkeeper.testing.PasswordGuard;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.TestCertificates;
import dev.pgkeeper.testing.TestCertificates.Authority;
import dev.pgkeeper.testing.TestCertificates.ClientCertificate;
import dev.pgkeeper.testing.TestCertificates.ServerCertificate;
import dev.pgkeeper.testing.TestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS through the public API (issue 15): certificate verification, client certificates and channel binding
 * against a real PostgreSQL 18 with {@code ssl=on}.
 *
 * <p>{@link TestCertificates} makes, with {@code openssl} at test time, a CA, a server certificate signed by it for
 * {@code DNS:localhost, IP:127.0.0.1}, a client certificate {@code CN=certuser} from the same CA, and a second,
 * unrelated CA. One private server, started once for the class, presents that server certificate and trusts the
 * CA for client certificates ({@code ssl_ca_file}). Its {@code pg_hba.conf} lets {@code postgres} in on trust
 * (the fixture's own logins), {@code certuser} only over TLS with a client certificate ({@code cert}), and
 * {@code scramuser} with SCRAM over TLS and, through a later {@code host} line, without it. The case of a
 * certificate that does not name the host gets a second server of its own, since a server has one certificate.
 *
 * <p>Every failure must be permanent and cost exactly one attempt although {@code maxRetries} is 2: retrying a
 * refused certificate or a refused login cannot help. Each failure prints the exception chain pgjdbc produced
 * ({@code TLS ...} lines in the test output).
 */
@Tag("private-server") // a server of its own, with TLS and its own pg_hba.conf
class TlsIT {

    private static final String CERT_USER = "certuser";
    private static final String SCRAM_USER = "scramuser";
    private static final String SCRAM_PASSWORD = "Tls:Scr@m%pw-" + UUID.randomUUID().toString().substring(0, 8);

    /**
     * The first matching line wins: {@code hostssl} lines match TLS sessions only, so a session without TLS
     * falls through to the {@code host} line for {@code scramuser}. The {@code ::1} lines are there in case
     * {@code localhost} resolves to IPv6 first.
     */
    private static final String HBA = String.join("\n",
            "local all all trust",
            "host all postgres 127.0.0.1/32 trust",
            "host all postgres ::1/128 trust",
            "hostssl all certuser 127.0.0.1/32 cert",
            "hostssl all certuser ::1/128 cert",
            "hostssl all scramuser 127.0.0.1/32 scram-sha-256",
            "hostssl all scramuser ::1/128 scram-sha-256",
            "host all scramuser 127.0.0.1/32 scram-sha-256",
            "host all scramuser ::1/128 scram-sha-256",
            "");

    private static TestCertificates certificates;
    private static Authority authority;
    private static Authority unrelatedAuthority;
    private static ClientCertificate certUserCertificate;
    private static PrivateServer server;

    private ConnectionManager manager;

    @BeforeAll
    static void startTlsServer() {
        PasswordGuard.register(SCRAM_PASSWORD);
        certificates = TestCertificates.create();
        authority = certificates.authority("ca", "pgkeeper test CA");
        unrelatedAuthority = certificates.authority("unrelated-ca", "pgkeeper unrelated test CA");
        ServerCertificate serverCertificate = certificates.server(authority, "server",
                List.of("DNS:localhost", "IP:127.0.0.1"));
        certUserCertificate = certificates.client(authority, "certuser", CERT_USER);

        server = PrivateServer.create(tlsSettings(serverCertificate), HBA);
        server.start();
        server.execute("CREATE ROLE " + CERT_USER + " LOGIN");
        server.createLoginRole(SCRAM_USER, SCRAM_PASSWORD, "postgres");
    }

    @AfterAll
    static void stopTlsServer() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (certificates != null) {
                certificates.close();
            }
        }
    }

    @AfterEach
    void disconnect() {
        if (manager != null) {
            ConnectionManager used = manager;
            manager = null;
            TestConfigs.disconnectChecked(used);
        }
    }

    /**
     * pgjdbc's {@code PGjdbcHostnameVerifier} accepts both: it compares the URL's host literally (case-insensitively)
     * with every DNS and IP subject alternative name, so {@code localhost} matches {@code DNS:localhost} and
     * {@code 127.0.0.1} matches {@code IP:127.0.0.1}. (The common name is only consulted when the certificate has no
     * DNS name at all.) libpq also checks IP SANs since PostgreSQL 14, so the same URLs work with psql.
     */
    @ParameterizedTest
    @ValueSource(strings = {"localhost", "127.0.0.1"})
    void verifyFullWithTheRightCaAndHostNameConnectsEncrypted(String host) throws SQLException {
        ConnectionResult result = connect(scramUrl(server, host, "sslmode=verify-full&sslrootcert="
                + encoded(authority.certificate())));

        assertThat(result.success()).as(describe(result)).isTrue();
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(encryptedSession(manager.dataSource()).user()).isEqualTo(SCRAM_USER);
    }

    @Test
    void verifyFullWithAnotherCaIsAPermanentSslError() {
        ConnectionResult result = connect(scramUrl(server, "localhost", "sslmode=verify-full&sslrootcert="
                + encoded(unrelatedAuthority.certificate())));

        report("verify-full, unrelated CA", result);
        assertFailedPermanentlyAfterOneAttempt(result, ErrorCode.SSL_ERROR);
    }

    @Test
    void verifyFullAgainstACertificateForAnotherHostIsAPermanentSslError() throws SQLException {
        ServerCertificate otherHost = certificates.server(authority, "other-host", List.of("DNS:db.example.internal"));
        try (PrivateServer otherServer = PrivateServer.create(tlsSettings(otherHost), HBA)) {
            otherServer.start();
            otherServer.createLoginRole(SCRAM_USER, SCRAM_PASSWORD, "postgres");
            String rootCert = "&sslrootcert=" + encoded(authority.certificate());

            // Control: the chain is trusted, so only the name can be what verify-full refuses.
            ConnectionResult chainOnly = connect(scramUrl(otherServer, "127.0.0.1", "sslmode=verify-ca" + rootCert));
            assertThat(chainOnly.success()).as(describe(chainOnly)).isTrue();
            assertThat(encryptedSession(manager.dataSource()).encrypted()).isTrue();
            disconnect();

            ConnectionResult result = connect(scramUrl(otherServer, "127.0.0.1", "sslmode=verify-full" + rootCert));

            report("verify-full, certificate for db.example.internal, host 127.0.0.1", result);
            assertFailedPermanentlyAfterOneAttempt(result, ErrorCode.SSL_ERROR);
        }
    }

    @Test
    void requireWithoutVerificationConnectsEncrypted() throws SQLException {
        // Not even a root certificate: sslmode=require encrypts but trusts any certificate.
        ConnectionResult result = connect(scramUrl(server, "127.0.0.1", "sslmode=require"));

        assertThat(result.success()).as(describe(result)).isTrue();
        assertThat(encryptedSession(manager.dataSource()).encrypted()).isTrue();
    }

    @Test
    void clientCertificateLogsInWithoutPassword() throws SQLException {
        ConnectionResult result = connect(certUserUrl("&sslcert=" + encoded(certUserCertificate.certificate())
                + "&sslkey=" + encoded(certUserCertificate.pk8Key())));

        assertThat(result.success()).as(describe(result)).isTrue();
        Session session = encryptedSession(manager.dataSource());
        assertThat(session.user()).isEqualTo(CERT_USER);
        assertThat(session.clientDn()).isEqualTo("/CN=" + CERT_USER);
    }

    /** pgjdbc 42.7.9 and later also read a PEM key ({@code BEGIN PRIVATE KEY}); older ones need PKCS-8 DER. */
    @Test
    void clientCertificateWithAPemKeyLogsInToo() throws SQLException {
        ConnectionResult result = connect(certUserUrl("&sslcert=" + encoded(certUserCertificate.certificate())
                + "&sslkey=" + encoded(certUserCertificate.pemKey())));

        assertThat(result.success()).as(describe(result)).isTrue();
        assertThat(encryptedSession(manager.dataSource()).user()).isEqualTo(CERT_USER);
    }

    @Test
    void withoutTheClientCertificateTheCertLoginIsAPermanentAuthFailure() {
        // No sslcert/sslkey: pgjdbc looks for ~/.postgresql/postgresql.crt, finds none and sends no certificate.
        ConnectionResult result = connect(certUserUrl(""));

        report("cert login without a client certificate", result);
        assertFailedPermanentlyAfterOneAttempt(result, ErrorCode.AUTH_FAILED);
        assertThat(result.error().sqlState()).isEqualTo("28000");
    }

    @Test
    void channelBindingOverTlsConnects() throws SQLException {
        List<String> seen = new ArrayList<>();
        try (LogCapture logs = LogCapture.start()) {
            ConnectionResult result = connect(scramUrl(server, "127.0.0.1", "sslmode=require&channel_binding=require"));
            seen.add(describe(result));

            assertThat(result.success()).as(describe(result)).isTrue();
            assertThat(encryptedSession(manager.dataSource()).user()).isEqualTo(SCRAM_USER);
            seen.addAll(logs.lines());
        }
        assertThat(seen).noneMatch(line -> line.contains(SCRAM_PASSWORD));
    }

    /**
     * pgjdbc refuses before it answers the server's SCRAM challenge: {@code 08004} "Channel Binding is required, but
     * SSL is not in use". A refused authentication, so AUTH_FAILED as for 28000/28P01: the password was never
     * checked, and no retry can change the outcome until the URL does.
     */
    @Test
    void channelBindingWithoutTlsIsAPermanentAuthFailure() {
        List<String> seen = new ArrayList<>();
        try (LogCapture logs = LogCapture.start()) {
            ConnectionResult result = connect(scramUrl(server, "127.0.0.1", "sslmode=disable&channel_binding=require"));
            seen.add(report("channel_binding=require, sslmode=disable", result));

            assertFailedPermanentlyAfterOneAttempt(result, ErrorCode.AUTH_FAILED);
            DatabaseError error = result.error();
            seen.add(error.getMessage());
            seen.add(error.toString());
            seen.addAll(error.troubleshootingSteps());
            seen.add(error.context().toString());
            seen.add(manager.getConnectionStatus().toString());
            seen.addAll(logs.lines());
        }
        assertThat(seen).noneMatch(line -> line.contains(SCRAM_PASSWORD)
                || line.contains(URLEncoder.encode(SCRAM_PASSWORD, StandardCharsets.UTF_8)));
    }

    private ConnectionResult connect(String url) {
        DatabaseConfig config = TestConfigs.forUrl(url).maxRetries(2).build();
        manager = ConnectionManager.create(config);
        return manager.initializeConnection();
    }

    private static Map<String, String> tlsSettings(ServerCertificate certificate) {
        return Map.of(
                "ssl", "on",
                "ssl_cert_file", certificate.certificate().toString(),
                "ssl_key_file", certificate.key().toString(),
                "ssl_ca_file", authority.certificate().toString());
    }

    private static String scramUrl(PrivateServer target, String host, String query) {
        return new TestDatabase(host, target.port(), "postgres", SCRAM_USER, SCRAM_PASSWORD).url() + "?" + query;
    }

    /** {@code certuser} over verify-full, without a password, plus {@code extraQuery}. */
    private static String certUserUrl(String extraQuery) {
        return new TestDatabase("localhost", server.port(), "postgres", CERT_USER, null).url()
                + "?sslmode=verify-full&sslrootcert=" + encoded(authority.certificate()) + extraQuery;
    }

    private static String encoded(Path path) {
        return URLEncoder.encode(path.toAbsolutePath().toString(), StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * What PostgreSQL itself says about the session of a connection borrowed from {@code dataSource}: a real round
     * trip, and proof that the bytes on the wire were encrypted.
     */
    private static Session encryptedSession(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT s.ssl, s.version, s.client_dn, current_user"
                     + " FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()")) {
            assertThat(row.next()).as("a pg_stat_ssl row for this backend").isTrue();
            Session session = new Session(row.getBoolean(1), row.getString(2), row.getString(3), row.getString(4));
            assertThat(session.encrypted()).as("pg_stat_ssl.ssl for %s", session).isTrue();
            return session;
        }
    }

    private static void assertFailedPermanentlyAfterOneAttempt(ConnectionResult result, ErrorCode expected) {
        assertThat(result.success()).as("connected although it should not have").isFalse();
        assertThat(result.error().code()).as(describe(result)).isEqualTo(expected);
        assertThat(result.error().isTemporary()).as("temporary? %s", describe(result)).isFalse();
        assertThat(result.attempts()).as("attempts with maxRetries(2)").isEqualTo(1);
        assertThat(result.error().getMessage()).doesNotContain(SCRAM_PASSWORD);
    }

    /** Prints the outcome and the exception chain under it, for the record of what pgjdbc really throws. */
    private static String report(String label, ConnectionResult result) {
        String text = "TLS " + label + ": " + describe(result);
        assertThat(text).doesNotContain(SCRAM_PASSWORD);
        System.out.println(text);
        return text;
    }

    private static String describe(ConnectionResult result) {
        if (result.success()) {
            return "connected after " + result.attempts() + " attempt(s)";
        }
        DatabaseError error = result.error();
        StringBuilder text = new StringBuilder()
                .append(error.code()).append(error.isTemporary() ? " (temporary)" : " (permanent)")
                .append(", attempts ").append(result.attempts())
                .append(", SQLState ").append(error.sqlState())
                .append("\n  message: ").append(error.getMessage());
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = error.getCause(); t != null && seen.add(t); t = t.getCause()) {
            text.append("\n  cause: ").append(t.getClass().getName());
            if (t instanceof SQLException sql) {
                text.append(" [SQLState ").append(sql.getSQLState()).append(']');
            }
            text.append(": ").append(t.getMessage());
        }
        return text.toString();
    }

    /**
     * One row of {@code pg_stat_ssl} joined with the session's role.
     *
     * @param encrypted {@code pg_stat_ssl.ssl}
     * @param version   TLS version, such as {@code TLSv1.3}
     * @param clientDn  the client certificate's subject, or {@code null} without one
     * @param user      {@code current_user}
     */
    private record Session(boolean encrypted, String version, String clientDn, String user) {
    }
}
