/**
 * Flyway migrations on a {@link dev.pgkeeper.ConnectionManager}'s DataSource: {@link dev.pgkeeper.flyway.PgkeeperFlyway}
 * waits for the database with the manager's retry policy, applies, lists or validates the migrations, and reports
 * every failure as a categorized {@link dev.pgkeeper.DatabaseError}. {@link dev.pgkeeper.flyway.Cli} is the same
 * from the command line ({@code java -jar pgkeeper-flyway-<version>-cli.jar migrate|info|validate}).
 */
package dev.pgkeeper.flyway;
