package dev.pgkeeper.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.examples.tracker.Migrations;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestPostgres;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Migrations applied through the manager, and what each kind of failure looks like: the steps name the
 * problem that happened and none of the others, and no connection is left borrowed afterwards.
 */
class MigrationsIT {

    private static final String FIX_SQL = "fix its SQL";
    private static final String RESTORE = "restore its original file";
    private static final String NEWER_BUILD = "migrated by a newer build";
    private static final String BASELINE = "baseline it";
    private static final List<String> ALL_STEPS = List.of(FIX_SQL, RESTORE, NEWER_BUILD, BASELINE);

    private final List<ConnectionManager> managers = new ArrayList<>();
    private final List<String> databases = new ArrayList<>();
    private final List<String> roles = new ArrayList<>();

    private ConnectionManager connect(TestDatabase db) {
        ConnectionManager manager = ConnectionManager.create(DatabaseConfig.builder().url(db.url()).build());
        managers.add(manager);
        assertThat(manager.initializeConnection().success()).isTrue();
        return manager;
    }

    private TestDatabase database(String hint) {
        TestDatabase db = TestPostgres.server().createDatabase(hint);
        databases.add(db.database());
        return db;
    }

    @AfterEach
    void noConnectionLeftBorrowedThenDropEverything() {
        try {
            for (ConnectionManager manager : managers) {
                assertThat(manager.getConnectionStatus().pool().active()).as("connections still borrowed").isZero();
            }
        } finally {
            managers.forEach(ConnectionManager::disconnect);
            databases.forEach(TestPostgres.server()::dropDatabase);
            roles.forEach(role -> TestPostgres.server().execute("DROP ROLE IF EXISTS " + role));
        }
    }

    @Test
    void migrationsApplyOnceAndThenThereIsNothingToDo() {
        ConnectionManager manager = connect(database("migrate"));

        assertThat(Migrations.apply(manager)).isEqualTo(2);
        assertThat(Migrations.apply(manager)).isZero();
    }

    @Test
    void aMigrationWhoseSqlFailsNamesTheMigrationAndTheLine() {
        ConnectionManager manager = connect(database("broken"));

        DatabaseError e = catchThrowableOfType(DatabaseError.class,
                () -> Migrations.apply(manager, "classpath:db/broken"));

        assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
        assertOnlyStep(e, FIX_SQL);
        assertThat(e.troubleshootingSteps().get(0)).contains("V1 (V1__broken.sql)").contains("SQLSTATE 42601");
    }

    @Test
    void aDatabaseMigratedByANewerBuildSaysSo() throws Exception {
        ConnectionManager manager = connect(database("ahead"));
        Migrations.apply(manager);
        Jdbc.execute(manager.dataSource(), "INSERT INTO flyway_schema_history (installed_rank, version, description,"
                + " type, script, checksum, installed_by, execution_time, success)"
                + " VALUES (99, '99', 'from a newer build', 'SQL', 'V99__newer.sql', 0, 'test', 1, true)");

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> Migrations.apply(manager));

        assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
        assertOnlyStep(e, NEWER_BUILD);
        assertThat(e.troubleshootingSteps().get(0)).contains("V99");
    }

    @Test
    void anAppliedMigrationThatWasEditedSaysWhichOne() throws Exception {
        ConnectionManager manager = connect(database("edited"));
        Migrations.apply(manager);
        Jdbc.execute(manager.dataSource(), "UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> Migrations.apply(manager));

        assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
        assertOnlyStep(e, RESTORE);
        assertThat(e.troubleshootingSteps().get(0)).contains("V1 ");
    }

    @Test
    void aSchemaWithTablesButNoHistoryIsNotMigratedOver() throws Exception {
        ConnectionManager manager = connect(database("unmanaged"));
        Jdbc.execute(manager.dataSource(), "CREATE TABLE somebody_elses (id int)");

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> Migrations.apply(manager));

        assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
        assertOnlyStep(e, BASELINE);
    }

    @Test
    void aRoleThatMayNotCreateTablesGetsThePrivilegeErrorNotASchemaError() {
        TestDatabase db = database("noprivs");
        String role = "mig_noprivs_" + ProcessHandle.current().pid();
        roles.add(role);
        TestPostgres.server().execute("DROP ROLE IF EXISTS " + role);
        TestPostgres.server().execute("CREATE ROLE " + role + " LOGIN PASSWORD 'Mig-noprivs-pw1'");
        // Since PostgreSQL 15 only the database owner may create in schema public; this role does not own it.
        ConnectionManager manager = connect(db.as(role, "Mig-noprivs-pw1"));

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> Migrations.apply(manager));

        assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(e.troubleshootingSteps()).noneSatisfy(s -> assertThat(s).contains("flyway_schema_history"));
    }

    private static void assertOnlyStep(DatabaseError e, String expected) {
        assertThat(e.troubleshootingSteps()).anySatisfy(s -> assertThat(s).contains(expected));
        for (String other : ALL_STEPS) {
            if (!other.equals(expected)) {
                assertThat(e.troubleshootingSteps()).noneSatisfy(s -> assertThat(s).contains(other));
            }
        }
    }
}
