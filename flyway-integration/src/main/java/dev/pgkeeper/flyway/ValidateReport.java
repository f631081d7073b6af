package dev.pgkeeper.flyway;

import java.util.List;
import java.util.Objects;

/**
 * What a successful {@link PgkeeperFlyway#validate()} checked.
 *
 * @param migrationsValidated how many migrations Flyway compared with the history
 * @param warnings            Flyway's warnings; often empty
 */
public record ValidateReport(int migrationsValidated, List<String> warnings) {

    /**
     * Copies the list.
     *
     * @param migrationsValidated how many migrations Flyway compared with the history
     * @param warnings Flyway's warnings; often empty
     * @throws NullPointerException if {@code warnings} is {@code null}
     */
    public ValidateReport {
        warnings = List.copyOf(Objects.requireNonNull(warnings, "warnings"));
    }
}
