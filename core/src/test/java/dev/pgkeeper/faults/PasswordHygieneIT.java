package dev.pgkeeper.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.ConnectionResult;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseUrls;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.TestConfigs;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.LogCapture;
import dev.pgkeeper.testing.PasswordGuard;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.PrivateServerTest;
import dev.pgkeeper.testing.TestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * No password in any log line (pgkeeper's, HikariCP's, pgjdbc's at its finest level), exception message,
 * troubleshooting step, context, status, health record or {@code toString()}, on successful and failing
 * connects alike.
 */
@PrivateServerTest
class PasswordHygieneIT {

    private final PrivateServer server;

    PasswordHygieneIT(PrivateServer server) {
        this.server = server;
    }


    @Test
    void passwordsAppearNowhere() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String right = "R1ght:p@ss%w0rd-" + suffix;
        String wrong = "Wr0ng:p@ss%w0rd-" + suffix;
        String unreachable = "N0where-pw-" + suffix;
        String invalid = "Inval1d-pw-" + suffix;
        List.of(right, wrong, unreachable, invalid).forEach(PasswordGuard::register);
        TestDatabase app = server.createLoginRole("pgk_hygiene", right, "postgres");
        List<String> seen = new ArrayList<>();

        try (LogCapture logs = LogCapture.start()) {
            // A wrong password: AUTH_FAILED.
            try (ConnectionManager m = ConnectionManager.create(TestConfigs.forUrl(app.as("pgk_hygiene", wrong).url()).build())) {
                ConnectionResult r = m.initializeConnection();
                assertThat(r.error().code()).isEqualTo(ErrorCode.AUTH_FAILED);
                seen.add(r.toString());
                seen.add(describe(r.error()));
                seen.add(m.getConnectionStatus().toString());
                seen.add(m.checkHealth().toString());
                seen.add(describe(catchThrowable(() -> m.dataSource().getConnection())));
                seen.add(m.toString());
                seen.add(m.config().toString());
            }
            // The right password, in the JDBC form too: connect, query, health, then a failed query.
            String jdbcForm = "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres?user=pgk_hygiene&password="
                    + URLEncoder.encode(right, StandardCharsets.UTF_8);
            for (String url : List.of(app.url(), jdbcForm)) {
                try (ConnectionManager m = ConnectionManager.create(TestConfigs.forUrl(url).build())) {
                    assertThat(m.initializeConnection().success()).isTrue();
                    assertThat(Jdbc.selectOne(m.dataSource())).isEqualTo(1);
                    seen.add(m.checkSystemHealth().toString());
                    seen.add(m.getConnectionStatus().toString());
                    seen.add(m.dataSource().toString());
                    seen.add(describe(m.categorize(catchThrowable(() -> Jdbc.execute(m.dataSource(), "SELECT * FROM nope")))));
                    m.reconnect();
                }
            }
            // Nothing listening.
            try (ConnectionManager m = ConnectionManager.create(TestConfigs.forUrl("postgresql://pgk_hygiene:" + unreachable
                    + "@127.0.0.1:" + PrivateServer.freePort() + "/postgres").maxRetries(1).build())) {
                seen.add(describe(m.initializeConnection().error()));
            }
            // An invalid configuration.
            seen.add(describe(catchThrowable(() -> DatabaseConfig.fromMap(java.util.Map.of(
                    "DATABASE_URL", "postgresql://pgk_hygiene:" + invalid + "@:99999/postgres", "DB_POOL_SIZE", "x")))));
            seen.add(DatabaseUrls.validateDatabaseUrl("postgresql://u:" + invalid + "@/db").toString());
            seen.add(DatabaseUrls.sanitizeUrl("postgresql://u:" + invalid + "@h/db"));
            seen.add(logs.text());

            // The capture really sees the libraries' finest output, so this test can fail.
            assertThat(logs.text()).contains("Connecting with URL").contains("pgkeeper-default-1");
        }

        String everything = String.join("\n", seen);
        for (String password : List.of(right, wrong, unreachable, invalid)) {
            assertThat(everything).doesNotContain(password)
                    .doesNotContain(URLEncoder.encode(password, StandardCharsets.UTF_8))
                    .doesNotContain(password.substring(0, password.indexOf('-')));
        }
    }

    /** Everything an exception says about itself, its causes and their stack traces. */
    private static String describe(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c).append('\n');
            if (c instanceof dev.pgkeeper.DatabaseError e) {
                b.append(e.troubleshootingSteps()).append(e.context()).append('\n');
            }
        }
        return b.toString();
    }
}
