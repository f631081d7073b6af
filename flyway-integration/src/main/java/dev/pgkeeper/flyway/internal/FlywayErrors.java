package dev.pgkeeper.flyway.internal;

import dev.pgkeeper.ConnectionResult;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.internal.exception.FlywayMigrateException;

/**
 * Turns Flyway's exceptions into categorized {@link DatabaseError}s.
 *
 * <p>The rule: pgkeeper's categorizer looks at the whole cause chain first (SQLState, exception type). When it
 * finds the database or the connection at fault (network, DNS, authentication, missing database, SSL, pool, privileges,
 * lock and serialization failures, a read-only server, configuration) its error passes through with its own code, so
 * a wrong password stays AUTH_FAILED. Everything else is a problem of the migrations themselves and becomes
 * SCHEMA_ERROR: a migration whose SQL failed (including a constraint or data error it ran into), an applied
 * migration that changed (checksum, description, type), one the build no longer has, one not applied yet, a schema
 * with tables but no history. The error names the migration(s) in its message, its steps and its context
 * ({@value #MIGRATION}).
 *
 * <p>Stateless and thread-safe.
 */
public final class FlywayErrors {

    /** The context key that names the migration(s) concerned, e.g. {@code V1 (V1__users.sql)}. */
    public static final String MIGRATION = "migration";

    /**
     * The codes that become SCHEMA_ERROR: no category of their own ({@code UNKNOWN_ERROR}), already schema, or an
     * error a statement of a migration ran into, whose fix is in the migration.
     */
    private static final Set<ErrorCode> MIGRATION_FAULTS = EnumSet.of(ErrorCode.SCHEMA_ERROR, ErrorCode.UNKNOWN_ERROR,
            ErrorCode.UNIQUE_VIOLATION, ErrorCode.FOREIGN_KEY_VIOLATION, ErrorCode.CHECK_VIOLATION,
            ErrorCode.NOT_NULL_VIOLATION, ErrorCode.CONSTRAINT_VIOLATION, ErrorCode.DATA_ERROR);

    private static final String HISTORY = "See the history: SELECT version, description, checksum, success"
            + " FROM flyway_schema_history ORDER BY installed_rank;";

    private FlywayErrors() {
    }

    /** Whether an error of this code passes through {@link #translate} unchanged (apart from naming the migration). */
    public static boolean passesThrough(ErrorCode code) {
        return !MIGRATION_FAULTS.contains(Objects.requireNonNull(code, "code"));
    }

    /**
     * Translates a failure of a Flyway operation.
     *
     * @param e          what Flyway threw
     * @param categorizer pgkeeper's categorizer, ideally the manager's (its steps name the host and database)
     * @param locations  where the migrations were looked for, for the steps
     * @param invalid    the migrations that fail validation, asked only for a {@link FlywayValidateException}
     *                   (Flyway's exception does not list them); may return an empty list
     * @return the categorized error; never {@code null}
     */
    public static DatabaseError translate(FlywayException e, Function<Throwable, DatabaseError> categorizer,
                                          String locations, Supplier<List<ValidateOutput>> invalid) {
        DatabaseError categorized = categorizer.apply(e);
        String migration = e instanceof FlywayMigrateException failed ? name(failed.getMigration()) : null;
        if (passesThrough(categorized.code())) {
            if (migration == null) {
                return categorized;
            }
            Map<String, String> context = new LinkedHashMap<>(categorized.context());
            context.put(MIGRATION, migration);
            return new DatabaseError(categorized.code(), "Migration " + migration + " failed: " + categorized.getMessage(),
                    categorized.troubleshootingSteps(), context, e);
        }
        if (e instanceof FlywayValidateException) {
            List<ValidateOutput> outputs;
            try {
                outputs = invalid.get();
            } catch (RuntimeException again) {
                outputs = List.of();
            }
            return invalid(outputs, firstLine(e.getMessage()), categorized.context(), locations, e);
        }
        Map<String, String> context = new LinkedHashMap<>(categorized.context());
        List<String> steps = new ArrayList<>();
        String message;
        if (e instanceof FlywayMigrateException failed) {
            String which = migration == null ? "A migration" : "Migration " + migration;
            context.put(MIGRATION, migration == null ? "unknown" : migration);
            if (failed.getSqlState() != null) {
                context.put("sqlState", failed.getSqlState());
            }
            String where = which + " failed" + (failed.getLineNumber() > 0 ? " at line " + failed.getLineNumber() : "")
                    + (failed.getSqlState() == null ? "" : " with SQLSTATE " + failed.getSqlState());
            message = where + ": " + firstLine(rootMessage(e));
            steps.add(where + ": fix its SQL in " + locations + " and start again. "
                    + (failed.isExecutableInTransaction()
                    ? "PostgreSQL rolled it back, so nothing needs repairing."
                    : "It ran outside a transaction: undo what it did, run Flyway's repair, then start again."));
        } else if (e.getErrorCode() == CoreErrorCode.NON_EMPTY_SCHEMA_WITHOUT_SCHEMA_HISTORY_TABLE) {
            message = "The schema has tables but no migration history (flyway_schema_history): " + firstLine(e.getMessage());
            steps.add("Point DATABASE_URL at an empty database, or, if the schema already matches a migration version,"
                    + " baseline it at that version (Flyway's baselineOnMigrate with baselineVersion) before starting again.");
        } else {
            message = "The migrations could not be run: " + firstLine(e.getMessage());
            steps.add("Run Flyway by hand against the same database and locations (" + locations + ") to see the full error.");
        }
        steps.add(HISTORY);
        return new DatabaseError(ErrorCode.SCHEMA_ERROR, message, steps, context, e);
    }

    /**
     * The SCHEMA_ERROR for migrations that failed validation: the message names each of them and what is wrong with
     * it, and there is one step per kind of problem.
     *
     * @param outputs  Flyway's list of invalid migrations (may be empty, then {@code fallback} is the message)
     * @param fallback what to say when the list is empty
     * @param context  sanitized facts about the database to keep
     * @param cause    the original exception, or {@code null}
     */
    public static DatabaseError invalid(List<ValidateOutput> outputs, String fallback, Map<String, String> context,
                                        String locations, Throwable cause) {
        List<String> problems = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Set<String> steps = new LinkedHashSet<>();
        for (ValidateOutput output : outputs) {
            String name = name(output);
            names.add(name);
            CoreErrorCode code = output.errorDetails == null || !(output.errorDetails.errorCode instanceof CoreErrorCode c)
                    ? null : c;
            problems.add(name + ": " + problem(code, output));
            steps.add(step(code, name, locations));
        }
        Map<String, String> facts = new LinkedHashMap<>(context);
        if (!names.isEmpty()) {
            facts.put(MIGRATION, String.join(", ", names));
        }
        if (steps.isEmpty()) {
            steps.add("Flyway found the applied migrations do not match " + locations + "; compare them with the history.");
        }
        steps.add(HISTORY);
        String message = problems.isEmpty() ? "Migration validation failed: " + fallback
                : "Migration validation failed: " + String.join("; ", problems);
        return new DatabaseError(ErrorCode.SCHEMA_ERROR, message, List.copyOf(steps), facts, cause);
    }

    /** The error for a database that could not be reached before migrating: the manager's, with the attempts said. */
    public static DatabaseError notConnected(ConnectionResult result, String maskedUrl) {
        DatabaseError error = result.error();
        if (error == null) {
            return new DatabaseError(ErrorCode.UNKNOWN_ERROR, "No connection to " + maskedUrl + " to run migrations");
        }
        return new DatabaseError(error.code(), "No connection to " + maskedUrl + " to run migrations after "
                + result.attempts() + " attempt(s): " + error.getMessage(), error.troubleshootingSteps(), error.context(),
                error);
    }

    private static String problem(CoreErrorCode code, ValidateOutput output) {
        if (code == null) {
            return output.errorDetails == null ? "invalid" : firstLine(output.errorDetails.errorMessage);
        }
        return switch (code) {
            case CHECKSUM_MISMATCH -> "checksum mismatch (the file changed after it was applied)";
            case DESCRIPTION_MISMATCH -> "description changed after it was applied";
            case TYPE_MISMATCH -> "type changed after it was applied";
            case APPLIED_VERSIONED_MIGRATION_NOT_RESOLVED, APPLIED_REPEATABLE_MIGRATION_NOT_RESOLVED ->
                    "applied to the database but missing from the locations";
            case RESOLVED_VERSIONED_MIGRATION_NOT_APPLIED, RESOLVED_REPEATABLE_MIGRATION_NOT_APPLIED,
                 OUTDATED_REPEATABLE_MIGRATION -> "not applied yet";
            case FAILED_VERSIONED_MIGRATION, FAILED_REPEATABLE_MIGRATION -> "recorded as failed";
            default -> output.errorDetails.errorMessage == null ? code.name() : firstLine(output.errorDetails.errorMessage);
        };
    }

    private static String step(CoreErrorCode code, String name, String locations) {
        if (code == null) {
            return "Migration " + name + ": compare the migrations in " + locations + " with the history.";
        }
        return switch (code) {
            case CHECKSUM_MISMATCH, DESCRIPTION_MISMATCH, TYPE_MISMATCH -> "The applied migration " + name + " was"
                    + " edited since it ran: restore its original file in " + locations + " (applied migrations must"
                    + " not change) and put the change in a new migration.";
            case APPLIED_VERSIONED_MIGRATION_NOT_RESOLVED, APPLIED_REPEATABLE_MIGRATION_NOT_RESOLVED -> "The database"
                    + " has migration " + name + ", which this build does not have: it was migrated by a newer build,"
                    + " or the locations (" + locations + ") are wrong. Deploy that build, or restore the database from"
                    + " before it ran.";
            case RESOLVED_VERSIONED_MIGRATION_NOT_APPLIED, RESOLVED_REPEATABLE_MIGRATION_NOT_APPLIED,
                 OUTDATED_REPEATABLE_MIGRATION -> "Migration " + name + " is pending: run migrate.";
            case FAILED_VERSIONED_MIGRATION, FAILED_REPEATABLE_MIGRATION -> "The history records migration " + name
                    + " as failed: undo what it did, run Flyway's repair, and start again.";
            default -> "Migration " + name + ": compare the migrations in " + locations + " with the history.";
        };
    }

    /** {@code V1 (V1__users.sql)}, {@code R (R__views.sql)}, or {@code null} for no migration. */
    static String name(MigrationInfo migration) {
        if (migration == null) {
            return null;
        }
        return name(migration.getVersion() == null ? null : migration.getVersion().getVersion(),
                migration.getDescription(), migration.getScript());
    }

    private static String name(ValidateOutput output) {
        return name(output.version, output.description, output.filepath);
    }

    /** How a migration is named in messages: {@code V<version> (<file>)}, or the description for a repeatable one. */
    public static String name(String version, String description, String script) {
        String file = script == null || script.isBlank() ? null : script.substring(script.replace('\\', '/').lastIndexOf('/') + 1);
        String head = version == null || version.isBlank()
                ? "R " + (description == null || description.isBlank() ? "?" : description) : "V" + version;
        return file == null ? head : head + " (" + file + ")";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        Set<Throwable> seen = new java.util.HashSet<>();
        while (t.getCause() != null && seen.add(t)) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** The first non-blank line of a message. */
    public static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "no message";
        }
        String trimmed = message.strip();
        int newline = trimmed.indexOf('\n');
        return (newline < 0 ? trimmed : trimmed.substring(0, newline)).strip();
    }
}
