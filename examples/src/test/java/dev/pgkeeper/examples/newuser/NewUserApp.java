package dev.pgkeeper.examples.newuser;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.ConnectionResult;
import dev.pgkeeper.DatabaseConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * What a new user writes first, run by {@code NoLoggingBackendIT} on a class path with pgkeeper-core and its
 * dependencies only (no logging backend): connect, one query, disconnect. Prints one line per step.
 */
public final class NewUserApp {

    private NewUserApp() {
    }

    /** @param args the database URL */
    public static void main(String[] args) {
        try (ConnectionManager manager = ConnectionManager.create(DatabaseConfig.builder().url(args[0]).maxRetries(1)
                .retryBaseDelay(Duration.ofMillis(50)).connectionTimeout(Duration.ofSeconds(2)).build())) {
            ConnectionResult result = manager.initializeConnection();
            System.out.println("connected: " + result.success());
            try (Connection c = manager.dataSource().getConnection()) {
                System.out.println("query: " + c.isValid(2));
            } catch (SQLException e) {
                System.out.println("query failed: " + manager.categorize(e).code());
            }
        }
        System.out.println("done");
    }
}
