package dev.pgkeeper.flyway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.testing.PasswordGuard;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.PrivateServerTest;
import dev.pgkeeper.testing.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A wrong password, which only a server that checks passwords rejects: a private embedded server, where every
 * role but {@code postgres} logs in with SCRAM (the machine's shared server may trust every login).
 */
@PrivateServerTest
class CliWrongPasswordIT {

    private static final String RIGHT = "Right-pw-42";
    private static final String WRONG = "Wrong-pw-42";

    @Test
    void javaDashJarWithAWrongPasswordExitsThreeWithAuthFailedAndNeverPrintsThePassword(PrivateServer server)
            throws Exception {
        PasswordGuard.register(RIGHT);
        PasswordGuard.register(WRONG);
        TestDatabase db = server.createDatabase("cli_wrong_password");
        TestDatabase app = server.createLoginRole("cli_app", RIGHT, db.database());

        CliJar.Result wrong = CliJar.run(Map.of("DATABASE_URL", app.as("cli_app", WRONG).url(), "DB_MAX_RETRIES", "1"),
                "migrate");

        assertThat(wrong.exit()).as(wrong.output()).isEqualTo(Cli.DATABASE_UNAVAILABLE);
        assertThat(wrong.output()).contains("pgkeeper-flyway migrate failed: AUTH_FAILED (permanent)")
                .contains("no connection after 1 attempt(s)")
                .doesNotContain(WRONG).doesNotContain(RIGHT).doesNotContain("\tat ");

        // The right one, for contrast: the same role migrates (the jar has no migrations of its own: none to apply).
        CliJar.Result right = CliJar.run(Map.of("DATABASE_URL", app.url()), "migrate");
        assertThat(right.exit()).as(right.output()).isZero();
        assertThat(right.output()).doesNotContain(RIGHT);
    }
}
