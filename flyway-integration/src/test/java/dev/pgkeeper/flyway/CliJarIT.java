package dev.pgkeeper.flyway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestPostgres;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged CLI jar, run with {@code java -jar}: Flyway's PostgreSQL plugin is found in the merged jar, migrations
 * are read from a directory, and the output is plain lines without logging noise.
 */
class CliJarIT {

    @Test
    void javaDashJarMigratesThenInfoAndValidateAgreeAndNothingButOurLinesIsPrinted() throws Exception {
        TestDatabase db = TestPostgres.server().createDatabase("cli_jar");
        try {
            Map<String, String> env = Map.of("DATABASE_URL", db.url(), "DB_MAX_RETRIES", "1",
                    Cli.LOCATIONS, "filesystem:" + Path.of("src/test/resources/db/migration").toAbsolutePath());

            CliJar.Result migrate = CliJar.run(env, "migrate");
            assertThat(migrate.exit()).as(migrate.output()).isZero();
            assertThat(migrate.output()).contains("Applied V1 (V1__first_table.sql)")
                    .contains("Migrated: 2 migration(s) applied, schema version none -> 2")
                    .doesNotContain("SLF4J").doesNotContain("StatusLogger").doesNotContain("WARN");

            CliJar.Result info = CliJar.run(env, "info");
            assertThat(info.exit()).as(info.output()).isZero();
            assertThat(info.output()).contains("Schema version: 2, 0 pending migration(s)");

            CliJar.Result validate = CliJar.run(env, "validate");
            assertThat(validate.exit()).as(validate.output()).isZero();
            assertThat(validate.output()).contains("Valid: 2 migration(s) match the history");
        } finally {
            TestPostgres.server().dropDatabase(db.database());
        }
    }
}
