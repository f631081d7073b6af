package dev.pgkeeper.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.examples.tracker.Migrations;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.TestPostgres;
import org.junit.jupiter.api.Test;

/** Migrations applied through the manager, and what a failed or out-of-date one looks like. */
class MigrationsIT {

    private static ConnectionManager connect(String hint) {
        ConnectionManager manager = ConnectionManager.create(DatabaseConfig.builder()
                .url(TestPostgres.server().createDatabase(hint).url()).build());
        assertThat(manager.initializeConnection().success()).isTrue();
        return manager;
    }

    @Test
    void migrationsApplyOnceAndThenThereIsNothingToDo() {
        try (ConnectionManager manager = connect("migrate")) {
            assertThat(Migrations.apply(manager)).isEqualTo(2);
            assertThat(Migrations.apply(manager)).isZero();
        }
    }

    @Test
    void aFailedMigrationIsASchemaErrorWithTheFix() {
        try (ConnectionManager manager = connect("broken")) {
            DatabaseError e = catchThrowableOfType(DatabaseError.class,
                    () -> Migrations.apply(manager, "classpath:db/broken"));

            assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
            assertThat(e.troubleshootingSteps()).anySatisfy(s -> assertThat(s).contains("fix its SQL"));
        }
    }

    @Test
    void aDatabaseAheadOfTheBuildIsASchemaError() throws Exception {
        try (ConnectionManager manager = connect("ahead")) {
            Migrations.apply(manager);
            Jdbc.execute(manager.dataSource(), "INSERT INTO flyway_schema_history (installed_rank, version, description,"
                    + " type, script, checksum, installed_by, execution_time, success)"
                    + " VALUES (99, '99', 'from a newer build', 'SQL', 'V99__newer.sql', 0, 'test', 1, true)");

            DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> Migrations.apply(manager));

            assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
            assertThat(e.troubleshootingSteps()).anySatisfy(s -> assertThat(s).contains("deploy the newer build"));
        }
    }

    @Test
    void anAppliedMigrationThatWasEditedIsASchemaError() throws Exception {
        try (ConnectionManager manager = connect("edited")) {
            Migrations.apply(manager);
            Jdbc.execute(manager.dataSource(), "UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");

            DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> Migrations.apply(manager));

            assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
            assertThat(e.troubleshootingSteps()).anySatisfy(s -> assertThat(s).contains("restore it"));
        }
    }
}
