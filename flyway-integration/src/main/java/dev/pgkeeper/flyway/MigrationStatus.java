package dev.pgkeeper.flyway;

import java.time.Instant;
import java.util.Objects;

/**
 * One migration as {@link PgkeeperFlyway#info()} sees it: found in the locations, recorded in the history, or both.
 *
 * @param version     the version, or {@code null} for a repeatable migration
 * @param description the description
 * @param script      the script's name as Flyway reports it
 * @param state       Flyway's state name: {@code Pending}, {@code Success}, {@code Failed}, {@code Future},
 *                    {@code Missing}, {@code Outdated}, {@code Ignored}, ...
 * @param installedOn when it was applied, or {@code null} when it was not
 * @param applied     whether the history records it as applied (successfully or not)
 * @param pending     whether it waits to be applied
 */
public record MigrationStatus(String version, String description, String script, String state, Instant installedOn,
                              boolean applied, boolean pending) {

    /**
     * @param version the version, or {@code null} for a repeatable migration
     * @param description the description
     * @param script the script's name as Flyway reports it
     * @param state Flyway's state name: {@code Pending}, {@code Success}, {@code Failed}, {@code Future},
     *     {@code Missing}, {@code Outdated}, {@code Ignored}, ...
     * @param installedOn when it was applied, or {@code null} when it was not
     * @param applied whether the history records it as applied (successfully or not)
     * @param pending whether it waits to be applied
     * @throws NullPointerException if {@code description}, {@code script} or {@code state} is {@code null}
     */
    public MigrationStatus {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(state, "state");
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
