package dev.pgkeeper.internal;

import dev.pgkeeper.DatabaseError;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Asks the server directly, outside the pool, whether it is there: one new pgjdbc connection bounded by
 * a timeout, one real round trip ({@code SELECT pg_postmaster_start_time()}), closed at once. Used to
 * decide whether the server is down without waiting on the pool's connection timeout, and to notice a
 * restart (a new start time) before stale pooled connections do.
 *
 * <p>Thread-safe.
 */
public final class Prober {

    private static final Driver DRIVER = new org.postgresql.Driver();
    private static final String QUERY = "SELECT pg_postmaster_start_time()";

    private final DriverSettings settings;

    public Prober(DriverSettings settings) {
        this.settings = settings;
    }

    /**
     * Probes the server within about {@code bound}.
     *
     * @throws DatabaseError the categorized failure when the server could not be reached or refused us
     */
    public ProbeResult probe(Duration bound) {
        long start = System.nanoTime();
        try (Connection c = DRIVER.connect(settings.jdbcUrl(), settings.probeProperties(bound));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(QUERY)) {
            rs.next();
            return new ProbeResult(rs.getTimestamp(1).toInstant(), System.nanoTime() - start);
        } catch (SQLException | RuntimeException e) {
            throw ErrorClassifier.classify(e, settings.target());
        }
    }
}
