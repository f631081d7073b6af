package dev.pgkeeper.flyway;

import java.time.Duration;
import java.util.Objects;

/**
 * One migration that {@link PgkeeperFlyway#migrate()} applied.
 *
 * @param version       the version ({@code "1"}, {@code "2.1"}), or {@code null} for a repeatable migration
 * @param description   the description from the file name ({@code "users projects tasks"})
 * @param script        the script's name or path as Flyway reports it ({@code "V1__users_projects_tasks.sql"})
 * @param executionTime how long it ran
 */
public record AppliedMigration(String version, String description, String script, Duration executionTime) {

    /**
     * @param version the version ({@code "1"}, {@code "2.1"}), or {@code null} for a repeatable migration
     * @param description the description from the file name ({@code "users projects tasks"})
     * @param script the script's name or path as Flyway reports it ({@code "V1__users_projects_tasks.sql"})
     * @param executionTime how long it ran
     * @throws NullPointerException if {@code description}, {@code script} or {@code executionTime} is {@code null}
     */
    public AppliedMigration {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(executionTime, "executionTime");
    }

    /**
     * How messages name it: {@code V1 (V1__users.sql)}, or {@code R <description> (<file>)} when repeatable.
     *
     * @return the name; never {@code null}
     */
    public String name() {
        return dev.pgkeeper.flyway.internal.FlywayErrors.name(version, description, script);
    }
}
