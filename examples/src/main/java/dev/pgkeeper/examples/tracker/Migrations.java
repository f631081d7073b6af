package dev.pgkeeper.examples.tracker;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.internal.exception.FlywayMigrateException;

/**
 * Applies the SQL migrations under {@code db/migration} with Flyway, through the manager's DataSource (so
 * migrations get the same credentials, timeouts and outage handling as the application).
 *
 * <p>When the database itself is the problem (down, wrong password, no such database, no privilege) the
 * manager's own error comes out unchanged. When the migrations are the problem the error is SCHEMA_ERROR,
 * and its steps are chosen by what went wrong: a migration whose SQL failed, an applied migration edited
 * since, a database migrated by a newer build, or a schema that has tables but no migration history.
 */
public final class Migrations {

    /** Where the migrations live on the class path. */
    public static final String LOCATION = "classpath:db/migration";

    private static final String HISTORY =
            "See the history: SELECT version, description, checksum, success FROM flyway_schema_history ORDER BY installed_rank;";

    private Migrations() {
    }

    /**
     * Brings the schema up to date.
     *
     * @return how many migrations were applied now
     * @throws DatabaseError SCHEMA_ERROR when a migration fails or the schema does not match the migrations;
     *     the database's own code (NETWORK_ERROR, AUTH_FAILED, PERMISSION_DENIED, ...) when it is the cause
     */
    public static int apply(ConnectionManager manager) {
        return apply(manager, LOCATION);
    }

    /** {@link #apply(ConnectionManager)} from another location, for tests. */
    public static int apply(ConnectionManager manager, String location) {
        Flyway flyway = Flyway.configure()
                .dataSource(manager.dataSource())
                .locations(location)
                // Refuse to run against a schema migrated by a newer build: its code would not match.
                .ignoreMigrationPatterns(new String[0])
                .load();
        try {
            return flyway.migrate().migrationsExecuted;
        } catch (FlywayException e) {
            DatabaseError cause = manager.categorize(e);
            if (cause.code() != ErrorCode.UNKNOWN_ERROR && cause.code() != ErrorCode.SCHEMA_ERROR) {
                throw cause; // the database itself failed: say that, not "schema"
            }
            List<String> steps = new ArrayList<>(steps(e, flyway, location));
            steps.add(HISTORY);
            throw new DatabaseError(ErrorCode.SCHEMA_ERROR,
                    "The database schema could not be brought up to date: " + firstLine(e.getMessage()),
                    steps, Map.of(), e);
        }
    }

    private static List<String> steps(FlywayException e, Flyway flyway, String location) {
        if (e instanceof FlywayMigrateException failed) {
            String which = failed.getMigration() == null ? "A migration"
                    : "Migration V" + failed.getMigration().getVersion() + " (" + failed.getMigration().getScript() + ")";
            return List.of(which + " failed" + (failed.getLineNumber() > 0 ? " at line " + failed.getLineNumber() : "")
                    + (failed.getSqlState() == null ? "" : " with SQLSTATE " + failed.getSqlState())
                    + ": fix its SQL in " + location + " and start again. PostgreSQL rolled it back, so nothing"
                    + " needs repairing.");
        }
        if (e.getErrorCode() == CoreErrorCode.NON_EMPTY_SCHEMA_WITHOUT_SCHEMA_HISTORY_TABLE) {
            return List.of("The schema already has tables but no flyway_schema_history: point DATABASE_URL at an"
                    + " empty database, or, if the schema already matches a migration version, baseline it at that"
                    + " version (Flyway baselineOnMigrate with baselineVersion) before starting again.");
        }
        if (e instanceof FlywayValidateException) {
            return validationSteps(flyway, location);
        }
        return List.of("Run the migrations by hand with Flyway against the same database to see the full error.");
    }

    /** The reasons validation failed, one step for each kind of problem found. */
    private static List<String> validationSteps(Flyway flyway, String location) {
        Set<String> steps = new LinkedHashSet<>();
        List<ValidateOutput> invalid;
        try {
            // Validate again, with pending migrations allowed, to learn what each invalid migration's problem is.
            invalid = Flyway.configure().configuration(flyway.getConfiguration())
                    .ignoreMigrationPatterns("*:pending").load().validateWithResult().invalidMigrations;
        } catch (FlywayException again) {
            invalid = List.of();
        }
        for (ValidateOutput migration : invalid) {
            String name = "migration " + (migration.version == null || migration.version.isEmpty()
                    ? migration.description : "V" + migration.version);
            var code = migration.errorDetails == null ? null : migration.errorDetails.errorCode;
            if (code == CoreErrorCode.CHECKSUM_MISMATCH || code == CoreErrorCode.DESCRIPTION_MISMATCH
                    || code == CoreErrorCode.TYPE_MISMATCH) {
                steps.add("The applied " + name + " was edited since it ran: restore its original file in " + location
                        + " (applied migrations must not change) and put the change in a new migration.");
            } else if (code == CoreErrorCode.APPLIED_VERSIONED_MIGRATION_NOT_RESOLVED
                    || code == CoreErrorCode.APPLIED_REPEATABLE_MIGRATION_NOT_RESOLVED) {
                steps.add("The database has " + name + ", which this build does not have: it was migrated by a"
                        + " newer build. Deploy that build, or restore the database from before it ran.");
            } else if (code == CoreErrorCode.FAILED_VERSIONED_MIGRATION
                    || code == CoreErrorCode.FAILED_REPEATABLE_MIGRATION) {
                steps.add("The history records " + name + " as failed: undo what it did, run Flyway's repair,"
                        + " and start again.");
            } else {
                steps.add("Flyway reports " + name + " as invalid"
                        + (migration.errorDetails == null ? "" : ": " + firstLine(migration.errorDetails.errorMessage)));
            }
        }
        if (steps.isEmpty()) {
            steps.add("Flyway found the applied migrations do not match " + location + "; compare them with the history.");
        }
        return List.copyOf(steps);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        String trimmed = message.strip();
        int newline = trimmed.indexOf('\n');
        return newline < 0 ? trimmed : trimmed.substring(0, newline);
    }
}
