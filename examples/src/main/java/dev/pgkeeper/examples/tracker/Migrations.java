package dev.pgkeeper.examples.tracker;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.flyway.PgkeeperFlyway;

/**
 * Applies the tracker's SQL migrations under {@code db/migration} with pgkeeper-flyway, through the manager's
 * DataSource (so migrations get the same credentials, timeouts and outage handling as the application).
 *
 * <p>When the database itself is the problem (down, wrong password, no such database, no privilege) the
 * manager's own error comes out unchanged. When the migrations are the problem the error is SCHEMA_ERROR naming
 * the migration, and its steps are chosen by what went wrong: a migration whose SQL failed, an applied migration
 * edited since, a database migrated by a newer build, or a schema that has tables but no migration history. The
 * same migrations run from the command line with {@code java -jar pgkeeper-flyway-<version>-cli.jar migrate} and
 * {@code FLYWAY_LOCATIONS=filesystem:examples/src/main/resources/db/migration}.
 */
public final class Migrations {

    /** Where the migrations live on the class path. */
    public static final String LOCATION = PgkeeperFlyway.DEFAULT_LOCATION;

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
        return PgkeeperFlyway.migrate(manager, location).appliedCount();
    }
}
