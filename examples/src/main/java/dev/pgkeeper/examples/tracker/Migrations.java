package dev.pgkeeper.examples.tracker;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the SQL migrations under {@code db/migration} with Flyway, through the manager's DataSource (so
 * migrations get the same credentials, timeouts and outage handling as the application). A failed or
 * out-of-date migration becomes a SCHEMA_ERROR whose steps say how to fix it.
 */
public final class Migrations {

    /** Where the migrations live on the class path. */
    public static final String LOCATION = "classpath:db/migration";

    private Migrations() {
    }

    /**
     * Brings the schema up to date.
     *
     * @return how many migrations were applied now
     * @throws DatabaseError SCHEMA_ERROR when a migration fails or the schema does not match the migrations
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
            MigrateResult result = flyway.migrate();
            return result.migrationsExecuted;
        } catch (FlywayException e) {
            DatabaseError cause = manager.categorize(e);
            if (cause.code() != ErrorCode.UNKNOWN_ERROR && cause.code() != ErrorCode.SCHEMA_ERROR) {
                throw cause; // the database itself failed (down, wrong password): say that, not "schema"
            }
            throw new DatabaseError(ErrorCode.SCHEMA_ERROR, "The database schema could not be brought up to date: "
                    + firstLine(e.getMessage()), List.of(
                    "If a migration failed, fix its SQL in " + LOCATION + ", then run Flyway's repair and start again",
                    "If an applied migration was edited since, restore it: applied migrations must not change",
                    "If the database has migrations this build does not know, deploy the newer build",
                    "Inspect the history: SELECT version, description, success FROM flyway_schema_history ORDER BY installed_rank"),
                    Map.of(), e);
        }
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
