package dev.pgkeeper.flyway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.testing.PasswordGuard;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The command line, run in this JVM with an environment of its own, against a real PostgreSQL. */
class CliIT {

    /** A password in the URL: the shared server may trust the login anyway, but it must never be printed. */
    private static final String PASSWORD = "Cli-secret-7";

    private final List<String> databases = new ArrayList<>();

    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Cli.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Map<String, String> env(String url, String locations) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", url);
        env.put("DB_MAX_RETRIES", "1");
        env.put("DB_RETRY_BASE_DELAY", "50");
        env.put("DB_CONNECTION_TIMEOUT", "2000");
        if (locations != null) {
            env.put(Cli.LOCATIONS, locations);
        }
        return env;
    }

    private TestDatabase database(String hint) {
        TestDatabase db = TestPostgres.server().createDatabase(hint);
        databases.add(db.database());
        return db;
    }

    @AfterEach
    void dropDatabases() {
        databases.forEach(TestPostgres.server()::dropDatabase);
    }

    @Test
    void migrateInfoValidateOnAFreshDatabase() {
        TestDatabase db = database("cli_migrate");
        PasswordGuard.register(PASSWORD);
        // The admin login is trusted without a password (embedded, or the machine's server): give one anyway, to
        // check it is never printed. Locations: none, so the default classpath:db/migration.
        Map<String, String> env = env(db.password() == null ? db.as(db.user(), PASSWORD).url() : db.url(), null);

        Run migrate = run(env, "migrate");
        assertThat(migrate.exit()).as(migrate.all()).isEqualTo(Cli.OK);
        assertThat(migrate.out()).contains("Connected after 1 attempt(s)")
                .contains("Applied V1 (V1__first_table.sql) in ")
                .contains("Applied V2 (V2__second_column.sql) in ")
                .contains("Migrated: 2 migration(s) applied, schema version none -> 2");

        Run again = run(env, "migrate");
        assertThat(again.exit()).isEqualTo(Cli.OK);
        assertThat(again.out()).contains("Migrated: 0 migration(s) applied, schema version 2 -> 2");

        Run info = run(env, "info");
        assertThat(info.exit()).isEqualTo(Cli.OK);
        assertThat(info.out()).contains("Success\tV1 (V1__first_table.sql)").contains("Schema version: 2, 0 pending");

        Run validate = run(env, "validate");
        assertThat(validate.exit()).isEqualTo(Cli.OK);
        assertThat(validate.out()).contains("Valid: 2 migration(s) match the history");

        for (Run r : List.of(migrate, again, info, validate)) {
            assertThat(r.all()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void anEditedMigrationFailsValidateWithExitOneAndASchemaError() {
        TestDatabase db = database("cli_edited");
        assertThat(run(env(db.url(), "classpath:db/migration"), "migrate").exit()).isEqualTo(Cli.OK);

        Run validate = run(env(db.url(), " classpath:db/edited , "), "validate");

        assertThat(validate.exit()).isEqualTo(Cli.MIGRATION_FAILED);
        assertThat(validate.err()).contains("pgkeeper-flyway validate failed: SCHEMA_ERROR (permanent): Migration"
                + " validation failed: V1 (V1__first_table.sql): checksum mismatch").doesNotContain("\tat ");
    }

    @Test
    void aRoleThatDoesNotExistExitsThreeWithAuthFailed() {
        TestDatabase db = database("cli_norole");
        Run r = run(env(db.as("cli_no_such_role", PASSWORD).url(), null), "migrate");

        assertThat(r.exit()).isEqualTo(Cli.DATABASE_UNAVAILABLE);
        assertThat(r.err()).contains("pgkeeper-flyway migrate failed: AUTH_FAILED (permanent)").doesNotContain("\tat ");
        assertThat(r.all()).doesNotContain(PASSWORD);
    }

    @Test
    void anUnreachableDatabaseExitsThreeWithNetworkErrorAfterTheRetries() {
        Run r = run(env("postgresql://postgres@127.0.0.1:" + PrivateServer.freePort() + "/postgres", null), "info");

        assertThat(r.exit()).isEqualTo(Cli.DATABASE_UNAVAILABLE);
        assertThat(r.err()).contains("no connection after 2 attempt(s)").contains("NETWORK_ERROR (temporary)");
    }

    @Test
    void badUsageAndConfigurationExitTwo() {
        assertThat(run(Map.of(), "migrate").exit()).isEqualTo(Cli.CONFIGURATION_ERROR);
        assertThat(run(Map.of("DATABASE_URL", "postgresql://a@h/d", "DB_POOL_SIZE", "abc"), "migrate").err())
                .contains("CONFIGURATION_ERROR").contains("DB_POOL_SIZE");
        assertThat(run(Map.of("DATABASE_URL", "postgresql://a@h/d", Cli.LOCATIONS, " , "), "migrate").exit())
                .isEqualTo(Cli.CONFIGURATION_ERROR);
        Run usage = run(Map.of());
        assertThat(usage.exit()).isEqualTo(Cli.CONFIGURATION_ERROR);
        assertThat(usage.err()).contains("Usage: java -jar pgkeeper-flyway-<version>-cli.jar migrate|info|validate");
        assertThat(run(Map.of(), "clean").exit()).isEqualTo(Cli.CONFIGURATION_ERROR);
    }
}
