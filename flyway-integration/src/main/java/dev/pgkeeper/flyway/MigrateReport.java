package dev.pgkeeper.flyway;

import java.util.List;
import java.util.Objects;

/**
 * What {@link PgkeeperFlyway#migrate()} did.
 *
 * @param versionBefore the schema version before, or {@code null} for a database without migration history
 * @param versionAfter  the schema version after, or {@code null} when there is still none
 * @param applied       the migrations applied now, in order; empty when the schema was up to date
 * @param warnings      Flyway's warnings (such as a location that does not exist); often empty
 */
public record MigrateReport(String versionBefore, String versionAfter, List<AppliedMigration> applied,
                            List<String> warnings) {

    /**
     * Copies the lists.
     *
     * @param versionBefore the schema version before, or {@code null} for a database without migration history
     * @param versionAfter the schema version after, or {@code null} when there is still none
     * @param applied the migrations applied now, in order; empty when the schema was up to date
     * @param warnings Flyway's warnings (such as a location that does not exist); often empty
     * @throws NullPointerException if {@code applied} or {@code warnings} is {@code null}
     */
    public MigrateReport {
        applied = List.copyOf(Objects.requireNonNull(applied, "applied"));
        warnings = List.copyOf(Objects.requireNonNull(warnings, "warnings"));
    }

    /**
     * How many migrations were applied now.
     *
     * @return the size of {@link #applied()}; 0 when the schema was up to date
     */
    public int appliedCount() {
        return applied.size();
    }
}
