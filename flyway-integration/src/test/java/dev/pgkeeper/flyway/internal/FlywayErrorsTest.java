package dev.pgkeeper.flyway.internal;

import static dev.pgkeeper.flyway.internal.FlywayExceptions.invalid;
import static dev.pgkeeper.flyway.internal.FlywayExceptions.migrationFailed;
import static dev.pgkeeper.flyway.internal.FlywayExceptions.none;
import static dev.pgkeeper.flyway.internal.FlywayExceptions.sql;
import static dev.pgkeeper.flyway.internal.FlywayExceptions.validation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.ConnectionResult;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCategorizer;
import dev.pgkeeper.ErrorCode;
import java.net.ConnectException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;

/** Flyway's exceptions, as Flyway builds them, turned into categorized errors. */
class FlywayErrorsTest {

    private static final String LOCATIONS = "classpath:db/migration";

    private static DatabaseError translate(FlywayException e) {
        return FlywayErrors.translate(e, ErrorCategorizer::categorize, LOCATIONS, FlywayExceptions::none);
    }

    @Test
    void aWrongPasswordStaysAuthFailed() {
        DatabaseError e = translate(sql("28P01", "FATAL: password authentication failed for user \"app\""));

        assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED);
        assertThat(e.isTemporary()).isFalse();
    }

    @Test
    void aRefusedConnectionStaysANetworkError() {
        DatabaseError e = translate(new FlywayException("Unable to obtain connection",
                new SQLException("Connection refused", "08001", new ConnectException("Connection refused"))));

        assertThat(e.code()).isEqualTo(ErrorCode.NETWORK_ERROR);
        assertThat(e.isTemporary()).isTrue();
    }

    @Test
    void aMigrationWhoseSqlFailsIsASchemaErrorNamingItsFileLineAndSqlState() {
        DatabaseError e = translate(migrationFailed("3", "V3__add_index.sql",
                new SQLException("ERROR: syntax error at or near \")\"", "42601")));

        assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
        assertThat(e.getMessage()).startsWith("Migration V3 (V3__add_index.sql) failed with SQLSTATE 42601: ERROR: syntax");
        assertThat(e.context()).containsEntry(FlywayErrors.MIGRATION, "V3 (V3__add_index.sql)")
                .containsEntry("sqlState", "42601");
        assertThat(e.troubleshootingSteps().get(0)).contains("fix its SQL in " + LOCATIONS).contains("rolled it back");
    }

    @Test
    void aMigrationThatViolatesAConstraintIsASchemaErrorNotAUniqueViolation() {
        DatabaseError e = translate(migrationFailed("4", "V4__backfill.sql",
                new SQLException("duplicate key value violates unique constraint \"users_email_key\"", "23505")));

        assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
        assertThat(e.getMessage()).contains("V4 (V4__backfill.sql)");
    }

    @Test
    void aMigrationWithoutThePrivilegeKeepsPermissionDeniedAndNamesTheMigration() {
        DatabaseError e = translate(migrationFailed("1", "V1__users.sql",
                new SQLException("ERROR: permission denied for schema public", "42501")));

        assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(e.getMessage()).startsWith("Migration V1 (V1__users.sql) failed: ");
        assertThat(e.context()).containsEntry(FlywayErrors.MIGRATION, "V1 (V1__users.sql)");
    }

    @Test
    void aChecksumMismatchIsASchemaErrorNamingTheMigration() {
        DatabaseError e = FlywayErrors.translate(validation("Validate failed: Migrations have failed validation"),
                ErrorCategorizer::categorize, LOCATIONS,
                () -> List.of(invalid("1", "db/migration/V1__users.sql", CoreErrorCode.CHECKSUM_MISMATCH)));

        assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
        assertThat(e.getMessage()).isEqualTo("Migration validation failed: V1 (V1__users.sql): checksum mismatch"
                + " (the file changed after it was applied)");
        assertThat(e.context()).containsEntry(FlywayErrors.MIGRATION, "V1 (V1__users.sql)");
        assertThat(e.troubleshootingSteps().get(0)).contains("V1 (V1__users.sql)").contains("restore its original file");
    }

    @Test
    void aValidationFailureWhoseDetailsCannotBeFoundIsStillASchemaError() {
        DatabaseError e = FlywayErrors.translate(validation("Validate failed: Migrations have failed validation"),
                ErrorCategorizer::categorize, LOCATIONS, () -> {
                    throw new FlywayException("no connection for the second look");
                });

        assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
        assertThat(e.getMessage()).contains("Migrations have failed validation");
    }

    @Test
    void aSchemaWithTablesButNoHistoryAsksForABaseline() {
        DatabaseError e = translate(new FlywayException("Found non-empty schema(s) \"public\" but no schema history table.",
                CoreErrorCode.NON_EMPTY_SCHEMA_WITHOUT_SCHEMA_HISTORY_TABLE));

        assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
        assertThat(e.troubleshootingSteps().get(0)).contains("baseline it");
    }

    @Test
    void anUnreachableDatabaseKeepsItsCodeAndSaysHowManyAttempts() {
        DatabaseError cause = new DatabaseError(ErrorCode.NETWORK_ERROR, "Connection to db:5432 failed",
                List.of("Check that PostgreSQL is running"), java.util.Map.of("host", "db"), null);

        DatabaseError e = FlywayErrors.notConnected(ConnectionResult.failed(6, Duration.ofSeconds(31), cause),
                "postgresql://app@db:5432/app");

        assertThat(e.code()).isEqualTo(ErrorCode.NETWORK_ERROR);
        assertThat(e.getMessage()).contains("after 6 attempt(s)").contains("postgresql://app@db:5432/app");
        assertThat(e.troubleshootingSteps()).isEqualTo(cause.troubleshootingSteps());
        assertThat(e.getCause()).isSameAs(cause);
    }

    @Test
    void namesOfMigrations() {
        assertThat(FlywayErrors.name("1.1", "x", "/srv/migrations/V1_1__x.sql")).isEqualTo("V1.1 (V1_1__x.sql)");
        assertThat(FlywayErrors.name(null, "views", "R__views.sql")).isEqualTo("R views (R__views.sql)");
        assertThat(FlywayErrors.name("", "", "")).isEqualTo("R ?");
        assertThat(none()).isEmpty();
    }
}
