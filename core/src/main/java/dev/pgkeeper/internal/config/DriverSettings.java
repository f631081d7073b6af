package dev.pgkeeper.internal.config;

import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.PgBouncerMode;
import dev.pgkeeper.internal.errors.ConnectionTarget;
import dev.pgkeeper.internal.url.ConnectionUrl;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What pgjdbc is given: a URL with hosts and database only, connection properties holding the timeouts, and the
 * credentials, which {@link #credentials()} gives anew for each connection (a password file or provider may
 * change them while the application runs). The password travels only as a property, because pgjdbc logs the URL
 * ({@code Connecting with URL: ...}) at FINE level.
 *
 * <p>Timeouts are derived from the configuration so that no connection attempt and no read blocks
 * forever: {@code connectTimeout} and {@code loginTimeout} from the connection timeout (pgjdbc ignores
 * the login timeout HikariCP sets through {@code DriverManager}), {@code socketTimeout} from
 * {@code DB_SOCKET_TIMEOUT}, {@code cancelSignalTimeout} from {@code DB_PROBE_TIMEOUT}. Only when
 * {@code DB_STATEMENT_TIMEOUT} is set is the server's {@code statement_timeout} added to the startup parameter
 * {@code options}; otherwise pgkeeper adds no {@code options} at all, because connection poolers such as
 * PgBouncer refuse it. {@code reWriteBatchedInserts} follows {@code DB_REWRITE_BATCHED_INSERTS}. Parameters
 * written in the URL itself win over these derived values. With {@code DB_PGBOUNCER=transaction},
 * {@code prepareThreshold=0}: no statement is prepared on the server.
 *
 * <p>With several hosts and a primary required ({@code target_session_attrs=read-write}), the manager finds
 * the primary itself and pins its pool to that one host ({@link #forHost}).
 *
 * <p>Immutable and thread-safe; the property sets handed out are fresh copies.
 */
public final class DriverSettings {

    private final String jdbcUrl;
    private final String user;
    private final CredentialSource credentials;
    private final Map<String, String> urlProperties;
    private final Duration connectionTimeout;
    private final Duration socketTimeout;
    private final Duration cancelTimeout;
    private final Duration statementTimeout;
    private final ConnectionTarget target;
    private final boolean singleHost;
    private final ConnectionUrl url;
    private final DatabaseConfig config;
    /** Connect whatever the server's role: probes ask the role themselves. */
    private final boolean anyRole;

    private DriverSettings(ConnectionUrl url, DatabaseConfig config) {
        this(url, config, false, CredentialSource.of(config, url.user(), url.password()));
    }

    private DriverSettings(ConnectionUrl url, DatabaseConfig config, boolean anyRole, CredentialSource credentials) {
        this.anyRole = anyRole;
        this.url = url;
        this.config = config;
        this.jdbcUrl = url.jdbcUrl();
        this.user = url.user();
        this.credentials = credentials;
        Map<String, String> driverProperties = new java.util.HashMap<>(url.driverProperties());
        // The password comes from the credential source alone (a jdbc: URL may carry it as a parameter).
        driverProperties.remove("password");
        this.urlProperties = Map.copyOf(driverProperties);
        this.connectionTimeout = config.connectionTimeout();
        this.socketTimeout = config.socketTimeout();
        this.cancelTimeout = config.probeTimeout();
        this.statementTimeout = config.statementTimeout();
        this.target = new ConnectionTarget(url.hostList(), url.database(), url.user(), url.sanitized(),
                credentials.description());
        this.singleHost = url.hosts().size() == 1;
    }

    /**
     * Derives the settings from a validated configuration.
     *
     * @throws IllegalArgumentException if the configuration's URL does not parse (cannot happen for a
     *                                  {@link DatabaseConfig}, which validates it)
     */
    public static DriverSettings of(DatabaseConfig config) {
        return new DriverSettings(parse(config.urlWithPassword(), config.url()), config);
    }

    /**
     * The settings for {@code DATABASE_READ_URL}, with the same timeouts; {@code null} when it is not set.
     *
     * @throws IllegalArgumentException if the read URL does not parse (cannot happen for a validated configuration)
     */
    public static DriverSettings forReads(DatabaseConfig config) {
        return config.readUrlWithPassword() == null ? null
                : new DriverSettings(parse(config.readUrlWithPassword(), config.readUrl()), config);
    }

    private static ConnectionUrl parse(String url, String masked) {
        ConnectionUrl parsed = ConnectionUrl.parse(url).url();
        if (parsed == null) {
            throw new IllegalArgumentException("invalid URL in configuration " + masked);
        }
        return parsed;
    }

    /**
     * The same settings for one of the hosts only: the pool of a manager that follows the primary uses these.
     * The URL's target server type stays, so pgjdbc refuses a connection to that host once it is a standby.
     */
    public DriverSettings forHost(ConnectionUrl.HostPort host) {
        return new DriverSettings(oneHost(host), config, false, credentials);
    }

    /** The same settings for one of the hosts only, connecting whatever its role: for probes that ask the role. */
    public DriverSettings forHostAnyRole(ConnectionUrl.HostPort host) {
        return new DriverSettings(oneHost(host), config, true, credentials);
    }

    private ConnectionUrl oneHost(ConnectionUrl.HostPort host) {
        return new ConnectionUrl(url.form(), List.of(host), url.database(), url.user(), url.password(), url.parameters());
    }

    /** The one host these settings connect to, or {@code null} when there are several. */
    public ConnectionUrl.HostPort singleHostOrNull() {
        return url.hosts().size() == 1 ? url.hosts().get(0) : null;
    }

    /** The hosts, in URL order. */
    public List<ConnectionUrl.HostPort> hosts() {
        return url.hosts();
    }

    /**
     * Whether the manager finds the primary among several hosts itself: the URL names more than one host and
     * asks for a primary ({@code target_session_attrs=read-write} or {@code primary}, JDBC
     * {@code targetServerType=primary}). With one host, or another target, pgjdbc picks the host per connection.
     */
    public boolean followsPrimary() {
        String target = urlProperties.get("targetServerType");
        return url.hosts().size() > 1 && target != null
                && (target.equalsIgnoreCase("primary") || target.equalsIgnoreCase("master"));
    }

    /** The URL for pgjdbc: hosts, ports and database; no credentials, no parameters. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The role to log in as, or {@code null} to let pgjdbc choose. */
    public String user() {
        return user;
    }

    /**
     * Gives the credentials for each new connection: the URL's, a password file's or the application's provider's.
     * Settings derived with {@link #forHost} share it.
     */
    public CredentialSource credentials() {
        return credentials;
    }

    /**
     * Whether the URL names one host. With several, a new connection may reach another server than the
     * pool's connections did, so a different server start time proves nothing.
     */
    public boolean singleHost() {
        return singleHost;
    }

    /** Where these settings connect, for messages. */
    public ConnectionTarget target() {
        return target;
    }

    /**
     * Properties for pooled connections, without credentials (add {@link #credentials()} per connection): timeouts
     * derived from the configuration, TCP keepalive, the application name, batched-insert rewriting and, when one is configured, the statement
     * timeout, with the URL's own parameters taking precedence. Probes, host probes and the read pools start from
     * these too; rewriting touches only batches of inserts, which probes never send and standbys refuse.
     */
    public Properties poolProperties() {
        Properties p = new Properties();
        putTimeouts(p, connectionTimeout, socketTimeout);
        // A statement that timed out waits for its cancel request to finish (pgjdbc's killTimerTask); toward a
        // silent server that takes the cancel timeout, 10 s by default. A cancel is one tiny round trip.
        p.setProperty("cancelSignalTimeout", Long.toString(ceilSeconds(cancelTimeout)));
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "pgkeeper");
        p.setProperty("reWriteBatchedInserts", Boolean.toString(config.rewriteBatchedInserts()));
        p.putAll(urlProperties);
        if (anyRole) {
            p.setProperty("targetServerType", "any");
        }
        if (config.pgBouncer() == PgBouncerMode.TRANSACTION) {
            // A statement prepared on one server connection is unknown to the next transaction's.
            p.setProperty("prepareThreshold", "0");
        }
        withStatementTimeout(p);
        return p;
    }

    /**
     * The pool's properties with the connect and socket timeouts forced to {@code bound} (in whole seconds,
     * rounded up, as pgjdbc takes them), whatever the URL says, so that every step of a probe's login and
     * query is bounded. The login timeout is 0: with one, pgjdbc runs each login on a thread of its own that
     * outlives the timeout until its socket gives up, and probes against a silent server would pile those
     * threads up; without one the login runs on the probe's own thread, one at a time.
     */
    public Properties probeProperties(Duration bound) {
        return probeProperties(bound, bound);
    }

    /**
     * Like {@link #probeProperties(Duration)}, with a longer bound for the login and query once the TCP connection
     * stands: a server that took the connection has begun to serve it (its postmaster forked a backend), and a
     * probe that gave up would leave it that work for nobody.
     */
    public Properties probeProperties(Duration connectBound, Duration readBound) {
        Properties p = poolProperties();
        putTimeouts(p, connectBound, readBound);
        p.setProperty("loginTimeout", "0");
        return p;
    }

    /**
     * The socket timeout pooled connections get from {@link #poolProperties()} (the URL's own, if it sets
     * one), in milliseconds; 0 for none.
     */
    public int poolSocketTimeoutMillis() {
        try {
            long seconds = Long.parseLong(poolProperties().getProperty("socketTimeout", "0").trim());
            return (int) Math.max(0, Math.min(Integer.MAX_VALUE / 1000, seconds) * 1000);
        } catch (NumberFormatException e) {
            return 0; // pgjdbc refuses such a URL itself when it connects
        }
    }

    /**
     * Adds {@code -c statement_timeout=...} to the startup options, so the server enforces it on every
     * connection, unless the URL's own options set a statement timeout already. Adds nothing when no statement
     * timeout is configured (zero, the default).
     */
    private void withStatementTimeout(Properties p) {
        if (statementTimeout.isZero()) {
            return;
        }
        String options = p.getProperty("options", "");
        if (!options.contains("statement_timeout")) {
            String setting = "-c statement_timeout=" + statementTimeout.toMillis();
            p.setProperty("options", options.isBlank() ? setting : options + " " + setting);
        }
    }

    private static void putTimeouts(Properties p, Duration connect, Duration socket) {
        // connectTimeout and socketTimeout are whole seconds in pgjdbc (0 = forever), so round up;
        // loginTimeout accepts fractions and bounds the whole attempt precisely.
        p.setProperty("connectTimeout", Long.toString(ceilSeconds(connect)));
        p.setProperty("loginTimeout", BigDecimal.valueOf(connect.toMillis(), 3).stripTrailingZeros().toPlainString());
        p.setProperty("socketTimeout", Long.toString(socket.isZero() ? 0 : ceilSeconds(socket)));
    }

    private static long ceilSeconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }

    @Override
    public String toString() {
        return "DriverSettings[" + target.sanitizedUrl() + "]";
    }
}
