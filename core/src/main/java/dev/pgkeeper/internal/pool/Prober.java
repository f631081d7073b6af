package dev.pgkeeper.internal.pool;

import dev.pgkeeper.DatabaseCredentials;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ServerRole;
import dev.pgkeeper.internal.config.CredentialSource;
import dev.pgkeeper.internal.config.DriverSettings;
import dev.pgkeeper.internal.errors.ErrorClassifier;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Asks the server directly, outside the pool, whether it is there: one new pgjdbc connection with the
 * pool's own URL, credentials and TLS settings, bounded by a timeout, and one real round trip
 * that also says which server answered ({@link ServerIdentity}). This is how the manager proves
 * connectivity, decides that the server is down without waiting on the pool's connection timeout, and tells
 * a restart of its server (before stale pooled connections fail one by one) from another server answering
 * behind the same address. The answer also says whether the server takes writes and, for a standby, how far
 * its replay lags.
 *
 * <p>Thread-safe.
 */
public final class Prober {

    /**
     * Identity, role and replay lag in one round trip. The lag of a standby is zero when it has replayed all the
     * WAL it received, else the time since the last transaction it replayed committed on the primary
     * (PostgreSQL's usual measure); -1 when the standby has replayed nothing yet.
     */
    private static final String QUERY = "SELECT pg_postmaster_start_time(), host(inet_server_addr()),"
            + " inet_server_port(), (SELECT system_identifier::text FROM pg_control_system()),"
            + " pg_is_in_recovery(), current_setting('transaction_read_only') = 'on',"
            + " CASE WHEN NOT pg_is_in_recovery() THEN 0"
            + " WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
            + " ELSE coalesce(floor(extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000), -1)"
            + " END::bigint";

    private final DriverSettings settings;

    /** @param settings the URL, credentials and TLS settings the pool uses */
    public Prober(DriverSettings settings) {
        this.settings = settings;
    }

    /**
     * Probes the server within {@code bound}: login and query together. The proven connection stays open in
     * the result, with the pool's socket timeout, so that a pool installed because of this probe can start
     * with it; the caller closes the result, which closes the connection unless a pool took it.
     *
     * @throws DatabaseError the categorized failure when the server could not be reached or refused us
     */
    public ProbeResult probe(Duration bound) {
        return probe(bound, bound);
    }

    /**
     * Probes as {@link #probe(Duration)} does, giving the TCP connection {@code connectBound} and the login and
     * query, once the server took the connection, {@code readBound} (at least {@code connectBound}).
     */
    public ProbeResult probe(Duration connectBound, Duration readBound) {
        Duration bound = readBound.compareTo(connectBound) < 0 ? connectBound : readBound;
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        Connection c = null;
        DatabaseCredentials login = null;
        try {
            Properties properties = settings.probeProperties(connectBound, bound);
            login = settings.credentials().current();
            CredentialSource.apply(properties, login);
            c = PgDataSource.DRIVER.connect(settings.jdbcUrl(), properties);
            // pgjdbc's socket timeout has whole seconds; bound the query by what is left, in milliseconds.
            c.setNetworkTimeout(Runnable::run, (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            ServerIdentity server;
            ServerRole role;
            long lagMillis;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(QUERY)) {
                rs.next();
                server = new ServerIdentity(rs.getString(4), rs.getString(2), rs.getInt(3),
                        rs.getTimestamp(1).toInstant());
                role = rs.getBoolean(5) || rs.getBoolean(6) ? ServerRole.STANDBY : ServerRole.PRIMARY;
                lagMillis = rs.getLong(7);
            }
            long latency = System.nanoTime() - start;
            // HikariCP reads a new connection's network timeout as the pool's: give it the pool's.
            c.setNetworkTimeout(Runnable::run, settings.poolSocketTimeoutMillis());
            ProbeResult result = new ProbeResult(server, role, lagMillis, settings.singleHostOrNull(), latency,
                    WarmConnection.of(c));
            c = null;
            return result;
        } catch (SQLException e) {
            if (login != null && PgDataSource.isRefusal(e)) {
                settings.credentials().refused(login);
            }
            throw ErrorClassifier.classify(e, settings.target());
        } catch (RuntimeException e) {
            throw ErrorClassifier.classify(e, settings.target());
        } finally {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException e) {
                    // the probe failed already; that failure is what matters
                }
            }
        }
    }
}
