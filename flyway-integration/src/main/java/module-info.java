/**
 * pgkeeper's Flyway integration: {@link dev.pgkeeper.flyway.PgkeeperFlyway} applies SQL migrations on a
 * manager's DataSource and reports failures as categorized {@link dev.pgkeeper.DatabaseError}s;
 * {@link dev.pgkeeper.flyway.Cli} runs it from the command line. Only {@code dev.pgkeeper.flyway} is exported;
 * {@code dev.pgkeeper.flyway.internal} stays inside the module.
 */
module dev.pgkeeper.flyway {
    // The API takes and returns pgkeeper types (ConnectionManager, DatabaseError) ...
    requires transitive dev.pgkeeper.core;
    // ... and lets the caller adjust Flyway's FluentConfiguration. Flyway 13 publishes neither a module descriptor
    // nor an Automatic-Module-Name: these are the names derived from its jar files.
    requires transitive flyway.core;
    // PostgreSQL support, a Flyway plugin found through ServiceLoader; required so it is resolved with us.
    requires flyway.database.postgresql;

    requires org.apache.logging.log4j;

    exports dev.pgkeeper.flyway;
}
