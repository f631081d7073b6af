package dev.pgkeeper.flyway;

import java.util.List;
import java.util.Objects;

/**
 * What {@link PgkeeperFlyway#info()} found.
 *
 * @param currentVersion the schema version, or {@code null} for a database without migration history
 * @param migrations     every migration known from the locations or the history, in Flyway's order
 */
public record InfoReport(String currentVersion, List<MigrationStatus> migrations) {

    /**
     * Copies the list.
     *
     * @param currentVersion the schema version, or {@code null} for a database without migration history
     * @param migrations every migration known from the locations or the history, in Flyway's order
     * @throws NullPointerException if {@code migrations} is {@code null}
     */
    public InfoReport {
        migrations = List.copyOf(Objects.requireNonNull(migrations, "migrations"));
    }

    /**
     * The migrations waiting to be applied, in order.
     *
     * @return the migrations whose {@link MigrationStatus#pending()} is {@code true}; empty when none is pending
     */
    public List<MigrationStatus> pending() {
        return migrations.stream().filter(MigrationStatus::pending).toList();
    }
}
