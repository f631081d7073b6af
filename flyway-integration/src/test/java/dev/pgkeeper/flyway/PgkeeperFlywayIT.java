package dev.pgkeeper.flyway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Migrations through a real manager on a real PostgreSQL (embedded, or TEST_DATABASE_URL's server). */
class PgkeeperFlywayIT {

    private static final String MIGRATIONS = "classpath:db/migration";
    private static final String EDITED = "classpath:db/edited";

    private final List<ConnectionManager> managers = new ArrayList<>();
    private final List<String> databases = new ArrayList<>();

    private ConnectionManager manager(String url, int maxRetries, Duration baseDelay) {
        ConnectionManager manager = ConnectionManager.create(DatabaseConfig.builder().url(url).poolSize(4)
                .maxRetries(maxRetries).retryBaseDelay(baseDelay).connectionTimeout(Duration.ofSeconds(2)).build());
        managers.add(manager);
        return manager;
    }

    private ConnectionManager freshDatabase(String hint) {
        TestDatabase db = TestPostgres.server().createDatabase(hint);
        databases.add(db.database());
        return manager(db.url(), 2, Duration.ofMillis(20));
    }

    @AfterEach
    void everyConnectionReturnedThenDropEverything() {
        try {
            for (ConnectionManager manager : managers) {
                if (manager.isConnected()) {
                    assertThat(manager.getConnectionStatus().pool().active()).as("connections still borrowed").isZero();
                }
            }
        } finally {
            managers.forEach(ConnectionManager::close);
            databases.forEach(TestPostgres.server()::dropDatabase);
        }
    }

    @Test
    void migrateWaitsForTheManagerAppliesAndReportsThenASecondRunAppliesNothing() {
        ConnectionManager manager = freshDatabase("flyway_migrate");
        assertThat(manager.isConnected()).as("not initialized: migrate connects it").isFalse();

        MigrateReport first = PgkeeperFlyway.migrate(manager, MIGRATIONS);

        assertThat(first.versionBefore()).isNull();
        assertThat(first.versionAfter()).isEqualTo("2");
        assertThat(first.applied()).extracting(AppliedMigration::name)
                .containsExactly("V1 (V1__first_table.sql)", "V2 (V2__second_column.sql)");
        assertThat(first.applied()).extracting(AppliedMigration::description)
                .containsExactly("first table", "second column");

        MigrateReport second = PgkeeperFlyway.migrate(manager, MIGRATIONS);
        assertThat(second.appliedCount()).isZero();
        assertThat(second.versionBefore()).isEqualTo("2");
        assertThat(second.versionAfter()).isEqualTo("2");
    }

    @Test
    void infoShowsPendingMigrationsThenAppliedOnes() {
        ConnectionManager manager = freshDatabase("flyway_info");
        PgkeeperFlyway flyway = PgkeeperFlyway.builder(manager).locations(MIGRATIONS).build();

        InfoReport before = flyway.info();
        assertThat(before.currentVersion()).isNull();
        assertThat(before.pending()).extracting(MigrationStatus::version).containsExactly("1", "2");

        flyway.migrate();
        InfoReport after = flyway.info();
        assertThat(after.currentVersion()).isEqualTo("2");
        assertThat(after.pending()).isEmpty();
        assertThat(after.migrations()).allSatisfy(m -> {
            assertThat(m.applied()).isTrue();
            assertThat(m.state()).isEqualTo("Success");
            assertThat(m.installedOn()).isNotNull();
        });
    }

    @Test
    void validatePassesAfterMigrateAndFailsOnPendingMigrations() {
        ConnectionManager manager = freshDatabase("flyway_validate");

        DatabaseError pending = catchThrowableOfType(DatabaseError.class,
                () -> PgkeeperFlyway.validate(manager, MIGRATIONS));
        assertThat(pending.code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
        assertThat(pending.getMessage()).contains("V1 (V1__first_table.sql): not applied yet");

        PgkeeperFlyway.migrate(manager, MIGRATIONS);
        assertThat(PgkeeperFlyway.validate(manager, MIGRATIONS).migrationsValidated()).isEqualTo(2);
    }

    @Test
    void aChangedChecksumFailsValidateAndMigrateWithASchemaErrorNamingTheMigration() {
        ConnectionManager manager = freshDatabase("flyway_checksum");
        PgkeeperFlyway.migrate(manager, MIGRATIONS);

        DatabaseError validate = catchThrowableOfType(DatabaseError.class, () -> PgkeeperFlyway.validate(manager, EDITED));
        DatabaseError migrate = catchThrowableOfType(DatabaseError.class, () -> PgkeeperFlyway.migrate(manager, EDITED));

        for (DatabaseError e : List.of(validate, migrate)) {
            assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
            assertThat(e.getMessage()).contains("V1 (V1__first_table.sql): checksum mismatch")
                    .doesNotContain("V2 (");
            assertThat(e.context()).containsEntry("migration", "V1 (V1__first_table.sql)");
            assertThat(e.troubleshootingSteps().get(0)).contains("restore its original file in " + EDITED);
        }
    }

    @Test
    void aMigrationWhoseSqlFailsIsASchemaErrorNamingItAndNothingIsRecordedAsApplied() {
        ConnectionManager manager = freshDatabase("flyway_broken");

        DatabaseError e = catchThrowableOfType(DatabaseError.class,
                () -> PgkeeperFlyway.migrate(manager, "classpath:db/broken"));

        assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
        assertThat(e.getMessage()).startsWith("Migration V1 (V1__broken.sql) failed").contains("SQLSTATE 42601");
        assertThat(e.context()).containsEntry("sqlState", "42601");
        assertThat(PgkeeperFlyway.info(manager, "classpath:db/broken").currentVersion()).isNull();
    }

    @Test
    void anUnreachableDatabaseFailsWithNetworkErrorAfterTheManagersRetries() {
        int port = PrivateServer.freePort(); // nothing listens there
        ConnectionManager manager = manager("postgresql://postgres@127.0.0.1:" + port + "/postgres", 2,
                Duration.ofMillis(100));

        long start = System.nanoTime();
        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> PgkeeperFlyway.migrate(manager, MIGRATIONS));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(e.code()).isEqualTo(ErrorCode.NETWORK_ERROR);
        assertThat(e.isTemporary()).isTrue();
        assertThat(e.getMessage()).contains("after 3 attempt(s)").contains("127.0.0.1:" + port);
        // The manager's schedule: 100 ms, then 200 ms, between the three attempts.
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aRoleThatDoesNotExistIsAuthFailedAndNotRetried() {
        TestDatabase db = TestPostgres.server().createDatabase("flyway_norole");
        databases.add(db.database());
        ConnectionManager manager = manager(db.as("flyway_no_such_role", "Not-a-pw-1").url(), 2,
                Duration.ofMillis(20));

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> PgkeeperFlyway.migrate(manager, MIGRATIONS));

        assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED);
        assertThat(e.getMessage()).contains("after 1 attempt(s)").doesNotContain("Not-a-pw-1");
    }
}
