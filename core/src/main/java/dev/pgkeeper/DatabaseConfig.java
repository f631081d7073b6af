package dev.pgkeeper;

import dev.pgkeeper.internal.config.ConfigProblems;
import dev.pgkeeper.internal.url.ConnectionUrl;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Everything a {@link ConnectionManager} needs to know, validated once and immutable.
 *
 * <p>Build it from environment variables with {@link #fromEnvironment()}, from any name-to-value map
 * with {@link #fromMap(Map)}, or in code with {@link #builder()}. Every way goes through the same
 * validation: all problems are collected and reported together in one {@link DatabaseError} with code
 * {@link ErrorCode#CONFIGURATION_ERROR}, each naming the variable, what is wrong and how to fix it. No
 * message ever contains the password.
 *
 * <table>
 *   <caption>Variables, builder methods and defaults</caption>
 *   <tr><th>variable</th><th>builder</th><th>default</th><th>allowed</th></tr>
 *   <tr><td>DATABASE_URL</td><td>{@link Builder#url}</td><td>required</td><td>{@code postgresql://}, {@code postgres://} or {@code jdbc:postgresql://} URL</td></tr>
 *   <tr><td>DB_PASSWORD_FILE</td><td>{@link Builder#passwordFile}</td><td>unset: the password is in the URL</td><td>a readable file holding the password, read again for each new connection; then the URLs hold no password</td></tr>
 *   <tr><td>(none)</td><td>{@link Builder#passwordSupplier}, {@link Builder#credentialsProvider}</td><td>unset</td><td>asked for each new connection; not together with a password file or a password in the URLs</td></tr>
 *   <tr><td>DB_MAX_RETRIES</td><td>{@link Builder#maxRetries}</td><td>5</td><td>0–30, all delays together at most 1 h</td></tr>
 *   <tr><td>DB_RETRY_BASE_DELAY</td><td>{@link Builder#retryBaseDelay}</td><td>1000 ms</td><td>0–600000 ms</td></tr>
 *   <tr><td>DB_POOL_SIZE</td><td>{@link Builder#poolSize}</td><td>10</td><td>1–1000</td></tr>
 *   <tr><td>DB_POOL_MIN_IDLE</td><td>{@link Builder#poolMinIdle}</td><td>2 (at most the pool size)</td><td>0–pool size</td></tr>
 *   <tr><td>DB_CONNECTION_TIMEOUT</td><td>{@link Builder#connectionTimeout}</td><td>10000 ms</td><td>250 ms–1 h</td></tr>
 *   <tr><td>DB_IDLE_TIMEOUT</td><td>{@link Builder#idleTimeout}</td><td>10000 ms</td><td>0 (never) or 10000 ms–1 day</td></tr>
 *   <tr><td>DB_STATEMENT_TIMEOUT</td><td>{@link Builder#statementTimeout}</td><td>0: none, and no {@code options} startup parameter</td><td>0 (none) to 1 day, shorter than the socket timeout</td></tr>
 *   <tr><td>DB_SOCKET_TIMEOUT</td><td>{@link Builder#socketTimeout}</td><td>60000 ms</td><td>0 (never) or whole seconds up to 1 day</td></tr>
 *   <tr><td>DB_RECONNECT_INTERVAL</td><td>{@link Builder#reconnectInterval}</td><td>30000 ms</td><td>100 ms–1 day</td></tr>
 *   <tr><td>DB_DISCONNECT_TIMEOUT</td><td>{@link Builder#disconnectTimeout}</td><td>5000 ms</td><td>0–10 min</td></tr>
 *   <tr><td>DB_PROBE_TIMEOUT</td><td>{@link Builder#probeTimeout}</td><td>2000 ms, or the connection timeout if shorter</td><td>100 ms–1 min, at most the connection timeout</td></tr>
 *   <tr><td>DB_PROBE_INTERVAL</td><td>{@link Builder#probeInterval}</td><td>20 ms</td><td>10 ms–1 min</td></tr>
 *   <tr><td>DB_PROBE_FAST_PERIOD</td><td>{@link Builder#probeFastPeriod}</td><td>2000 ms</td><td>0–10 min</td></tr>
 *   <tr><td>DB_PROBE_MAX_INTERVAL</td><td>{@link Builder#probeMaxInterval}</td><td>300 ms</td><td>10 ms–10 min, at least the probe interval</td></tr>
 *   <tr><td>DATABASE_READ_URL</td><td>{@link Builder#readUrl}</td><td>unset: reads use the standbys among {@code DATABASE_URL}'s hosts</td><td>a URL as for {@code DATABASE_URL}, naming standbys for {@link ConnectionManager#readDataSource()}</td></tr>
 *   <tr><td>DB_MAX_REPLICA_LAG</td><td>{@link Builder#maxReplicaLag}</td><td>5000 ms</td><td>0–1 day; a standby further behind gets no reads</td></tr>
 *   <tr><td>DB_REPLICA_CHECK_INTERVAL</td><td>{@link Builder#replicaCheckInterval}</td><td>1000 ms</td><td>50 ms–1 h</td></tr>
 *   <tr><td>DB_PGBOUNCER</td><td>{@link Builder#pgBouncer}</td><td>{@code off}</td><td>{@code off}, {@code session}, {@code transaction} (see {@link PgBouncerMode})</td></tr>
 *   <tr><td>DB_REWRITE_BATCHED_INSERTS</td><td>{@link Builder#rewriteBatchedInserts}</td><td>{@code true}</td><td>{@code true} or {@code false}, any case; a {@code jdbc:postgresql://} URL's own {@code reWriteBatchedInserts} wins</td></tr>
 *   <tr><td>DB_POOL_NAME</td><td>{@link Builder#name}</td><td>{@code default}</td><td>1–40 of {@code A-Z a-z 0-9 _ -}</td></tr>
 *   <tr><td>APP_ENV</td><td>{@link Builder#appEnv}</td><td>unset</td><td>{@code production} turns on stricter URL warnings</td></tr>
 * </table>
 *
 * <p>Durations in variables are whole milliseconds. An empty variable counts as unset.
 *
 * <p>Instances are immutable and thread-safe; {@link #toString()} masks the password.
 */
public final class DatabaseConfig {

    /** Variable holding the database URL. */
    public static final String DATABASE_URL = "DATABASE_URL";
    /** Variable holding {@link #passwordFile()}: the path of a file that holds the password. */
    public static final String DB_PASSWORD_FILE = "DB_PASSWORD_FILE";
    /** Variable holding {@link #maxRetries()}. */
    public static final String DB_MAX_RETRIES = "DB_MAX_RETRIES";
    /** Variable holding {@link #retryBaseDelay()} in milliseconds. */
    public static final String DB_RETRY_BASE_DELAY = "DB_RETRY_BASE_DELAY";
    /** Variable holding {@link #poolSize()}. */
    public static final String DB_POOL_SIZE = "DB_POOL_SIZE";
    /** Variable holding {@link #poolMinIdle()}. */
    public static final String DB_POOL_MIN_IDLE = "DB_POOL_MIN_IDLE";
    /** Variable holding {@link #connectionTimeout()} in milliseconds. */
    public static final String DB_CONNECTION_TIMEOUT = "DB_CONNECTION_TIMEOUT";
    /** Variable holding {@link #idleTimeout()} in milliseconds. */
    public static final String DB_IDLE_TIMEOUT = "DB_IDLE_TIMEOUT";
    /** Variable holding {@link #statementTimeout()} in milliseconds. */
    public static final String DB_STATEMENT_TIMEOUT = "DB_STATEMENT_TIMEOUT";
    /** Variable holding {@link #socketTimeout()} in milliseconds. */
    public static final String DB_SOCKET_TIMEOUT = "DB_SOCKET_TIMEOUT";
    /** Variable holding {@link #reconnectInterval()} in milliseconds. */
    public static final String DB_RECONNECT_INTERVAL = "DB_RECONNECT_INTERVAL";
    /** Variable holding {@link #disconnectTimeout()} in milliseconds. */
    public static final String DB_DISCONNECT_TIMEOUT = "DB_DISCONNECT_TIMEOUT";
    /** Variable holding {@link #probeTimeout()} in milliseconds. */
    public static final String DB_PROBE_TIMEOUT = "DB_PROBE_TIMEOUT";
    /** Variable holding {@link #probeInterval()} in milliseconds. */
    public static final String DB_PROBE_INTERVAL = "DB_PROBE_INTERVAL";
    /** Variable holding {@link #probeFastPeriod()} in milliseconds. */
    public static final String DB_PROBE_FAST_PERIOD = "DB_PROBE_FAST_PERIOD";
    /** Variable holding {@link #probeMaxInterval()} in milliseconds. */
    public static final String DB_PROBE_MAX_INTERVAL = "DB_PROBE_MAX_INTERVAL";
    /** Variable holding {@link #readUrl()}. */
    public static final String DATABASE_READ_URL = "DATABASE_READ_URL";
    /** Variable holding {@link #maxReplicaLag()} in milliseconds. */
    public static final String DB_MAX_REPLICA_LAG = "DB_MAX_REPLICA_LAG";
    /** Variable holding {@link #replicaCheckInterval()} in milliseconds. */
    public static final String DB_REPLICA_CHECK_INTERVAL = "DB_REPLICA_CHECK_INTERVAL";
    /** Variable holding {@link #pgBouncer()}: {@code off}, {@code session} or {@code transaction}. */
    public static final String DB_PGBOUNCER = "DB_PGBOUNCER";
    /** Variable holding {@link #rewriteBatchedInserts()}: {@code true} or {@code false}. */
    public static final String DB_REWRITE_BATCHED_INSERTS = "DB_REWRITE_BATCHED_INSERTS";
    /** Variable holding {@link #name()}. */
    public static final String DB_POOL_NAME = "DB_POOL_NAME";
    /** Variable holding {@link #appEnv()}. */
    public static final String APP_ENV = "APP_ENV";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,40}");

    private final String urlWithPassword;
    private final Path passwordFile;
    private final CredentialsProvider credentialsProvider;
    private final int maxRetries;
    private final Duration retryBaseDelay;
    private final int poolSize;
    private final int poolMinIdle;
    private final Duration connectionTimeout;
    private final Duration idleTimeout;
    private final Duration statementTimeout;
    private final Duration socketTimeout;
    private final Duration reconnectInterval;
    private final Duration disconnectTimeout;
    private final Duration probeTimeout;
    private final Duration probeInterval;
    private final Duration probeFastPeriod;
    private final Duration probeMaxInterval;
    private final String readUrlWithPassword;
    private final Duration maxReplicaLag;
    private final Duration replicaCheckInterval;
    private final PgBouncerMode pgBouncer;
    private final boolean rewriteBatchedInserts;
    private final String name;
    private final String appEnv;
    private final String maskedUrl;
    private final String maskedReadUrl;
    /** What the user set, so {@link #toBuilder()} keeps derived defaults derived. */
    private final Integer explicitPoolMinIdle;
    private final Duration explicitProbeTimeout;

    private DatabaseConfig(Builder b, ConnectionUrl parsedUrl, ConnectionUrl parsedReadUrl) {
        this.urlWithPassword = b.url;
        this.passwordFile = b.passwordFile;
        this.credentialsProvider = b.credentialsProvider;
        this.maxRetries = b.maxRetries;
        this.retryBaseDelay = b.retryBaseDelay;
        this.poolSize = b.poolSize;
        this.poolMinIdle = b.poolMinIdle == null ? Math.min(Builder.DEFAULT_MIN_IDLE, b.poolSize) : b.poolMinIdle;
        this.connectionTimeout = b.connectionTimeout;
        this.idleTimeout = b.idleTimeout;
        this.statementTimeout = b.statementTimeout != null ? b.statementTimeout : Duration.ZERO;
        this.socketTimeout = b.socketTimeout;
        this.reconnectInterval = b.reconnectInterval;
        this.disconnectTimeout = b.disconnectTimeout;
        this.probeTimeout = b.probeTimeout != null ? b.probeTimeout
                : min(Builder.DEFAULT_PROBE_TIMEOUT, b.connectionTimeout);
        this.probeInterval = b.probeInterval;
        this.probeFastPeriod = b.probeFastPeriod;
        this.probeMaxInterval = b.probeMaxInterval;
        this.readUrlWithPassword = b.readUrl;
        this.maxReplicaLag = b.maxReplicaLag;
        this.replicaCheckInterval = b.replicaCheckInterval;
        this.pgBouncer = b.pgBouncer;
        this.rewriteBatchedInserts = b.rewriteBatchedInserts;
        this.name = b.name;
        this.appEnv = b.appEnv;
        this.maskedUrl = parsedUrl.sanitized();
        this.maskedReadUrl = parsedReadUrl == null ? null : parsedReadUrl.sanitized();
        this.explicitPoolMinIdle = b.poolMinIdle;
        this.explicitProbeTimeout = b.probeTimeout;
    }

    /**
     * A builder with every default set and no URL.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the variables listed in the class description from the process environment.
     *
     * @return the validated configuration
     * @throws DatabaseError with {@link ErrorCode#CONFIGURATION_ERROR} listing every problem
     */
    public static DatabaseConfig fromEnvironment() {
        return fromMap(System.getenv());
    }

    /**
     * Reads the variables listed in the class description from {@code variables}; names not listed there
     * are ignored, so the whole environment or a {@link java.util.Properties} view may be passed.
     *
     * @param variables variable names and values, such as {@link System#getenv()}
     * @return the validated configuration
     * @throws NullPointerException if {@code variables} is {@code null}
     * @throws DatabaseError        with {@link ErrorCode#CONFIGURATION_ERROR} listing every problem
     */
    public static DatabaseConfig fromMap(Map<String, String> variables) {
        Objects.requireNonNull(variables, "variables");
        ConfigProblems problems = new ConfigProblems(variables.get(DATABASE_URL));
        Builder b = new Builder();
        String urlValue = variables.get(DATABASE_URL);
        b.url = urlValue == null || urlValue.isBlank() ? null : urlValue;
        problems.readString(variables, DB_PASSWORD_FILE).ifPresent(v -> {
            try {
                b.passwordFile = Path.of(v);
            } catch (InvalidPathException e) {
                problems.add(DB_PASSWORD_FILE, "passwordFile", "'" + v + "' is not a valid path (" + e.getReason() + ")",
                        "set it to the file that holds the password, e.g. " + DB_PASSWORD_FILE + "=/run/secrets/db-password");
            }
        });
        problems.readInt(variables, DB_MAX_RETRIES, 5).ifPresent(v -> b.maxRetries = v);
        problems.readMillis(variables, DB_RETRY_BASE_DELAY).ifPresent(v -> b.retryBaseDelay = v);
        problems.readInt(variables, DB_POOL_SIZE, 10).ifPresent(v -> b.poolSize = v);
        problems.readInt(variables, DB_POOL_MIN_IDLE, 2).ifPresent(v -> b.poolMinIdle = v);
        problems.readMillis(variables, DB_CONNECTION_TIMEOUT).ifPresent(v -> b.connectionTimeout = v);
        problems.readMillis(variables, DB_IDLE_TIMEOUT).ifPresent(v -> b.idleTimeout = v);
        problems.readMillis(variables, DB_STATEMENT_TIMEOUT).ifPresent(v -> b.statementTimeout = v);
        problems.readMillis(variables, DB_SOCKET_TIMEOUT).ifPresent(v -> b.socketTimeout = v);
        problems.readMillis(variables, DB_RECONNECT_INTERVAL).ifPresent(v -> b.reconnectInterval = v);
        problems.readMillis(variables, DB_DISCONNECT_TIMEOUT).ifPresent(v -> b.disconnectTimeout = v);
        problems.readMillis(variables, DB_PROBE_TIMEOUT).ifPresent(v -> b.probeTimeout = v);
        problems.readMillis(variables, DB_PROBE_INTERVAL).ifPresent(v -> b.probeInterval = v);
        problems.readMillis(variables, DB_PROBE_FAST_PERIOD).ifPresent(v -> b.probeFastPeriod = v);
        problems.readMillis(variables, DB_PROBE_MAX_INTERVAL).ifPresent(v -> b.probeMaxInterval = v);
        problems.readString(variables, DATABASE_READ_URL).ifPresent(v -> b.readUrl = v);
        problems.readMillis(variables, DB_MAX_REPLICA_LAG).ifPresent(v -> b.maxReplicaLag = v);
        problems.readMillis(variables, DB_REPLICA_CHECK_INTERVAL).ifPresent(v -> b.replicaCheckInterval = v);
        problems.readChoice(variables, DB_PGBOUNCER, "pgBouncer", PgBouncerMode.class).ifPresent(v -> b.pgBouncer = v);
        problems.readBoolean(variables, DB_REWRITE_BATCHED_INSERTS, "rewriteBatchedInserts")
                .ifPresent(v -> b.rewriteBatchedInserts = v);
        problems.readString(variables, DB_POOL_NAME).ifPresent(v -> b.name = v);
        problems.readString(variables, APP_ENV).ifPresent(v -> b.appEnv = v);
        return b.build(problems);
    }

    private static Duration min(Duration a, Duration b) {
        return b == null || a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * A builder holding this configuration's values; settings that were left to their defaults stay so
     * (the minimum idle count and the probe timeout follow the pool size and connection timeout).
     *
     * @return a new builder with this configuration's values
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.url = urlWithPassword;
        b.passwordFile = passwordFile;
        b.credentialsProvider = credentialsProvider;
        b.maxRetries = maxRetries;
        b.retryBaseDelay = retryBaseDelay;
        b.poolSize = poolSize;
        b.poolMinIdle = explicitPoolMinIdle;
        b.connectionTimeout = connectionTimeout;
        b.idleTimeout = idleTimeout;
        b.statementTimeout = statementTimeout;
        b.socketTimeout = socketTimeout;
        b.reconnectInterval = reconnectInterval;
        b.disconnectTimeout = disconnectTimeout;
        b.probeTimeout = explicitProbeTimeout;
        b.probeInterval = probeInterval;
        b.probeFastPeriod = probeFastPeriod;
        b.probeMaxInterval = probeMaxInterval;
        b.readUrl = readUrlWithPassword;
        b.maxReplicaLag = maxReplicaLag;
        b.replicaCheckInterval = replicaCheckInterval;
        b.pgBouncer = pgBouncer;
        b.rewriteBatchedInserts = rewriteBatchedInserts;
        b.name = name;
        b.appEnv = appEnv;
        return b;
    }

    /**
     * The database URL for logs, status and messages, never with the password: in libpq form whatever form
     * it was given in ({@code postgresql://app@db1:5432/orders?sslmode=require}), the password left out and
     * the values of secret parameters such as {@code sslpassword} shown as {@code ****}.
     *
     * @return the URL without its password
     */
    public String url() {
        return maskedUrl;
    }

    /**
     * The database URL exactly as given, <b>including the password</b>. Handle with care: never log it, show
     * it or put it in an exception; it exists for the code that hands the credentials to the driver. Use
     * {@link #url()} for everything else.
     *
     * @return the URL as given, password included
     */
    public String urlWithPassword() {
        return urlWithPassword;
    }

    /**
     * Retries after a failed first attempt in {@code initializeConnection()} ({@code DB_MAX_RETRIES}).
     *
     * @return the number of retries; 0 for a single attempt
     */
    public int maxRetries() {
        return maxRetries;
    }

    /**
     * The delay before retry i is {@code retryBaseDelay * 2^(i-1)} ({@code DB_RETRY_BASE_DELAY}).
     *
     * @return the base delay of the retries' exponential backoff
     */
    public Duration retryBaseDelay() {
        return retryBaseDelay;
    }

    /**
     * Maximum number of pooled connections ({@code DB_POOL_SIZE}).
     *
     * @return the maximum number of connections in the pool
     */
    public int poolSize() {
        return poolSize;
    }

    /**
     * Idle connections the pool keeps open ({@code DB_POOL_MIN_IDLE}); others close after {@link #idleTimeout()}.
     *
     * @return the number of idle connections the pool keeps
     */
    public int poolMinIdle() {
        return poolMinIdle;
    }

    /**
     * Longest wait for a pooled connection, and the bound of each connection attempt (TCP connect and
     * login) ({@code DB_CONNECTION_TIMEOUT}).
     *
     * @return the connection timeout
     */
    public Duration connectionTimeout() {
        return connectionTimeout;
    }

    /**
     * How long a connection above {@link #poolMinIdle()} may sit idle before it is closed; zero means never.
     *
     * @return the idle timeout; {@link Duration#ZERO} for never
     */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * Longest run time of a statement on any connection of the pool, enforced by the server
     * ({@code DB_STATEMENT_TIMEOUT}); zero, the default, for none. pgkeeper sets no statement timeout of its own:
     * migrations and batch jobs may run as long as they need, and nothing is added to the connection's startup
     * packet, which connection poolers such as PgBouncer may refuse. The server's own setting (for example
     * {@code ALTER ROLE app SET statement_timeout = '30s'}) applies unchanged.
     *
     * <p>When set, it is sent as {@code -c statement_timeout=<ms>} in the startup parameter {@code options} of
     * every connection (unless the URL's own {@code options} set a statement timeout), and a statement that runs
     * longer fails with {@link ErrorCode#QUERY_CANCELED}. Being server-side, it needs no cancel request from the
     * client, which a silent network would hold up; it must be shorter than the socket timeout, so that the
     * server cancels a slow statement cleanly before the socket gives up. Override it per transaction with
     * {@code SET LOCAL statement_timeout}. PgBouncer refuses the {@code options} parameter unless it is listed
     * in its {@code ignore_startup_parameters} (which drops the setting); behind such a pooler, set the timeout
     * on the role instead.
     *
     * @return the statement timeout; {@link Duration#ZERO} for none
     */
    public Duration statementTimeout() {
        return statementTimeout;
    }

    /**
     * Longest wait for the server on an open connection, after which the driver gives up on the socket
     * ({@code DB_SOCKET_TIMEOUT}); zero disables it, for long batch jobs. Use {@code statement_timeout} to
     * limit query run time; this is the safety net against a silent network.
     *
     * @return the socket timeout; {@link Duration#ZERO} for none
     */
    public Duration socketTimeout() {
        return socketTimeout;
    }

    /**
     * Time between attempts of the reconnect loop, and between liveness probes while connected.
     *
     * @return the reconnect interval
     */
    public Duration reconnectInterval() {
        return reconnectInterval;
    }

    /**
     * Upper bound of {@link ConnectionManager#disconnect()} ({@code DB_DISCONNECT_TIMEOUT}).
     *
     * @return the disconnect timeout
     */
    public Duration disconnectTimeout() {
        return disconnectTimeout;
    }

    /**
     * Bound of a liveness probe made on a caller's thread and of a health check ({@code DB_PROBE_TIMEOUT});
     * at most {@link #connectionTimeout()}. Defaults to 2 s, or to the connection timeout when that is shorter.
     *
     * @return the probe timeout
     */
    public Duration probeTimeout() {
        return probeTimeout;
    }

    /**
     * While the server is unreachable, calls fail fast and one of them probes the server when the probe
     * schedule says one is due. For the first {@link #probeFastPeriod()} of an outage the gap between probes
     * is this interval ({@code DB_PROBE_INTERVAL}, 20 ms), so a restart is noticed within tens of
     * milliseconds; later gaps double up to {@link #probeMaxInterval()}. Each gap is cut at random by up to a
     * quarter, and after the server answered that it cannot take a connection yet (57P03 starting up or shutting
     * down, 53300 too many connections) the next gap is at least 100 ms (or the maximum interval, when shorter).
     * Calls drive these probes: a manager nobody calls probes only from its reconnect loop.
     *
     * @return the gap between probes at the start of an outage
     */
    public Duration probeInterval() {
        return probeInterval;
    }

    /**
     * How long an outage is probed every {@link #probeInterval()} before the gaps start to grow
     * ({@code DB_PROBE_FAST_PERIOD}, 2 s): long enough for a restart, short enough that a fleet of instances
     * does not keep probing a server that stays down 50 times a second each. Zero means the gaps grow from the
     * first failed probe.
     *
     * @return the length of the fast period
     */
    public Duration probeFastPeriod() {
        return probeFastPeriod;
    }

    /**
     * The longest gap between two probes of a server that is down ({@code DB_PROBE_MAX_INTERVAL}, 300 ms; with
     * the random cut, 225–300 ms, about 4 probes a second). It bounds how long an instance lags behind a server
     * that comes back after a long outage; raise it to spare a server that many instances wait for.
     *
     * @return the longest gap between probes
     */
    public Duration probeMaxInterval() {
        return probeMaxInterval;
    }

    /**
     * The URL of the servers for {@link ConnectionManager#readDataSource()} ({@code DATABASE_READ_URL}), shown
     * as {@link #url()} shows its URL (never the password); {@code null} when unset, and then the standbys among
     * {@code DATABASE_URL}'s hosts serve reads.
     *
     * @return the read URL without its password, or {@code null}
     */
    public String readUrl() {
        return maskedReadUrl;
    }

    /**
     * {@code DATABASE_READ_URL} exactly as given, <b>including the password</b>, or {@code null}; see
     * {@link #urlWithPassword()}.
     *
     * @return the read URL as given, password included, or {@code null}
     */
    public String readUrlWithPassword() {
        return readUrlWithPassword;
    }

    /**
     * How far a standby's replay may lag behind for it to serve reads ({@code DB_MAX_REPLICA_LAG}). The lag is
     * measured every {@link #replicaCheckInterval()}: zero when the standby has replayed all the WAL it received,
     * otherwise the time since the last transaction it replayed committed on the primary. With no standby
     * within the bound, reads go to the primary.
     *
     * @return the largest replay lag that still serves reads
     */
    public Duration maxReplicaLag() {
        return maxReplicaLag;
    }

    /**
     * How often every standby's role, reachability and replay lag are measured ({@code DB_REPLICA_CHECK_INTERVAL}).
     *
     * @return the interval between measurements of the standbys
     */
    public Duration replicaCheckInterval() {
        return replicaCheckInterval;
    }

    /**
     * Whether connections go through PgBouncer, and in which mode ({@code DB_PGBOUNCER}); see {@link PgBouncerMode}.
     *
     * @return the PgBouncer mode; {@link PgBouncerMode#OFF} when there is no PgBouncer
     */
    public PgBouncerMode pgBouncer() {
        return pgBouncer;
    }

    /**
     * Whether pgjdbc rewrites a batch of single-row inserts into multi-row inserts ({@code DB_REWRITE_BATCHED_INSERTS},
     * pgjdbc's {@code reWriteBatchedInserts}); default {@code true}. A batch of {@code INSERT ... VALUES (...)} then
     * reaches the server as a few multi-row statements instead of one statement per row, which the server parses
     * and executes far fewer times. It changes only the SQL text pgjdbc sends, so it works behind PgBouncer in any
     * mode; UPDATE and DELETE batches are sent as before.
     *
     * <p>What a caller sees changes in three ways. A row sent in a multi-row statement gets the update count
     * {@link java.sql.Statement#SUCCESS_NO_INFO} (-2) from {@code executeBatch()} (and in MyBatis's
     * {@code BatchResult}), not 1; for {@code INSERT ... ON CONFLICT DO NOTHING} that loses which rows were
     * inserted (0 or 1 each without the rewrite). A failing multi-row statement is reported as
     * {@code Batch entry 0} of its rows, so the index of the row that failed is lost; the error code (from the
     * SQLState) is not. Statements prepared to return generated keys (MyBatis's {@code useGeneratedKeys}) are
     * never rewritten: they keep counts of 1 and get every key. Set {@code false} where code reads the counts
     * row by row; a {@code jdbc:postgresql://} URL's own {@code reWriteBatchedInserts} parameter wins over this
     * setting.
     *
     * @return {@code true} when batched inserts are rewritten into multi-row inserts
     */
    public boolean rewriteBatchedInserts() {
        return rewriteBatchedInserts;
    }

    /**
     * Name used in pool and thread names, {@code pgkeeper-<name>-...} ({@code DB_POOL_NAME}).
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The application environment ({@code APP_ENV}), or {@code null} when unset.
     *
     * @return the application environment, or {@code null}
     */
    public String appEnv() {
        return appEnv;
    }

    /**
     * {@code true} when {@link #appEnv()} is {@code production} (any case).
     *
     * @return {@code true} in production
     */
    public boolean isProduction() {
        return appEnv != null && appEnv.trim().equalsIgnoreCase("production");
    }

    /**
     * The file that holds the password ({@code DB_PASSWORD_FILE}), or {@code null} when the password is in the
     * URL or comes from a {@link #credentialsProvider()}. It is read again for every new physical connection, so
     * a secret that is replaced on disk (a Kubernetes secret volume, a Vault agent's template) is used from the
     * next login on, without a restart. Its whole content is the password, one trailing line break removed; it is
     * never logged.
     *
     * @return the password file, or {@code null}
     */
    public Path passwordFile() {
        return passwordFile;
    }

    /**
     * What gives the credentials for each new physical connection, or {@code null} when the password is in the
     * URL or in a {@link #passwordFile()}; see {@link CredentialsProvider}.
     *
     * @return the credentials provider, or {@code null}
     */
    public CredentialsProvider credentialsProvider() {
        return credentialsProvider;
    }

    /**
     * Configurations are equal when every setting is, the URL compared as given: two configurations that
     * differ only in the password are different, although their {@link #toString()}s are the same. Credentials
     * providers are compared by identity.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof DatabaseConfig c
                && urlWithPassword.equals(c.urlWithPassword) && Objects.equals(passwordFile, c.passwordFile)
                && credentialsProvider == c.credentialsProvider && maxRetries == c.maxRetries && retryBaseDelay.equals(c.retryBaseDelay)
                && poolSize == c.poolSize && poolMinIdle == c.poolMinIdle
                && connectionTimeout.equals(c.connectionTimeout) && idleTimeout.equals(c.idleTimeout)
                && statementTimeout.equals(c.statementTimeout) && socketTimeout.equals(c.socketTimeout) && reconnectInterval.equals(c.reconnectInterval)
                && disconnectTimeout.equals(c.disconnectTimeout) && probeTimeout.equals(c.probeTimeout)
                && probeInterval.equals(c.probeInterval) && probeFastPeriod.equals(c.probeFastPeriod)
                && probeMaxInterval.equals(c.probeMaxInterval) && Objects.equals(readUrlWithPassword, c.readUrlWithPassword)
                && maxReplicaLag.equals(c.maxReplicaLag) && replicaCheckInterval.equals(c.replicaCheckInterval)
                && pgBouncer == c.pgBouncer && rewriteBatchedInserts == c.rewriteBatchedInserts && name.equals(c.name) && Objects.equals(appEnv, c.appEnv);
    }

    @Override
    public int hashCode() {
        return Objects.hash(urlWithPassword, passwordFile, System.identityHashCode(credentialsProvider), maxRetries, retryBaseDelay, poolSize, poolMinIdle, connectionTimeout, idleTimeout,
                statementTimeout, socketTimeout, reconnectInterval, disconnectTimeout, probeTimeout, probeInterval, probeFastPeriod, probeMaxInterval, readUrlWithPassword, maxReplicaLag,
                replicaCheckInterval, pgBouncer, rewriteBatchedInserts, name, appEnv);
    }

    /** All settings, with the URL as {@link #url()} shows it: never the password. */
    @Override
    public String toString() {
        return "DatabaseConfig[url=" + maskedUrl + (passwordFile != null ? ", passwordFile=" + passwordFile : "")
                + (credentialsProvider != null ? ", credentialsProvider=set" : "")
                + ", name=" + name + ", maxRetries=" + maxRetries
                + ", retryBaseDelay=" + retryBaseDelay.toMillis() + "ms, poolSize=" + poolSize
                + ", poolMinIdle=" + poolMinIdle + ", connectionTimeout=" + connectionTimeout.toMillis()
                + "ms, idleTimeout=" + idleTimeout.toMillis() + "ms, statementTimeout=" + statementTimeout.toMillis()
                + "ms, socketTimeout=" + socketTimeout.toMillis()
                + "ms, reconnectInterval=" + reconnectInterval.toMillis() + "ms, disconnectTimeout="
                + disconnectTimeout.toMillis() + "ms, probeTimeout=" + probeTimeout().toMillis()
                + "ms, probeInterval=" + probeInterval.toMillis() + "ms, probeFastPeriod=" + probeFastPeriod.toMillis()
                + "ms, probeMaxInterval=" + probeMaxInterval.toMillis() + "ms, readUrl=" + maskedReadUrl
                + ", maxReplicaLag=" + maxReplicaLag.toMillis() + "ms, replicaCheckInterval="
                + replicaCheckInterval.toMillis() + "ms, pgBouncer=" + pgBouncer + ", rewriteBatchedInserts=" + rewriteBatchedInserts
                + ", appEnv=" + appEnv + "]";
    }

    /**
     * Collects settings for a {@link DatabaseConfig}; {@link #build()} validates them all at once.
     * Not thread-safe.
     */
    public static final class Builder {
        static final int DEFAULT_MIN_IDLE = 2;
        static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofMillis(2_000);
        static final long MAX_TOTAL_BACKOFF_MILLIS = 3_600_000;

        private String url;
        private Path passwordFile;
        private CredentialsProvider credentialsProvider;
        private int maxRetries = 5;
        private Duration retryBaseDelay = Duration.ofMillis(1000);
        private int poolSize = 10;
        private Integer poolMinIdle;
        private Duration connectionTimeout = Duration.ofMillis(10_000);
        private Duration idleTimeout = Duration.ofMillis(10_000);
        private Duration statementTimeout;
        private Duration socketTimeout = Duration.ofMillis(60_000);
        private Duration reconnectInterval = Duration.ofMillis(30_000);
        private Duration disconnectTimeout = Duration.ofMillis(5_000);
        private Duration probeTimeout;
        private Duration probeInterval = Duration.ofMillis(20);
        private Duration probeFastPeriod = Duration.ofMillis(2_000);
        private Duration probeMaxInterval = Duration.ofMillis(300);
        private String readUrl;
        private Duration maxReplicaLag = Duration.ofMillis(5_000);
        private Duration replicaCheckInterval = Duration.ofMillis(1_000);
        private PgBouncerMode pgBouncer = PgBouncerMode.OFF;
        private boolean rewriteBatchedInserts = true;
        private String name = "default";
        private String appEnv;

        private Builder() {
        }

        /**
         * The database URL ({@code DATABASE_URL}); required.
         *
         * @param url a {@code postgresql://}, {@code postgres://} or {@code jdbc:postgresql://} URL
         * @return this builder
         */
        public Builder url(String url) {
            this.url = url;
            return this;
        }

        /**
         * See {@link DatabaseConfig#passwordFile()} ({@code DB_PASSWORD_FILE}); default unset. The file must exist
         * and be readable when {@link #build()} runs; the URLs must not hold a password then.
         *
         * @param passwordFile the file holding the password, or {@code null} for none
         * @return this builder
         */
        public Builder passwordFile(Path passwordFile) {
            this.passwordFile = passwordFile;
            return this;
        }

        /**
         * Asks {@code passwordSupplier} for the password of the URL's user for every new physical connection; the
         * URLs must not hold a password then. A shorthand for {@link #credentialsProvider} that replaces any
         * provider set before; see {@link CredentialsProvider} for when it is called and what it must do.
         *
         * @param passwordSupplier gives the current password (or token), thread-safe; {@code null} for none
         * @return this builder
         */
        public Builder passwordSupplier(Supplier<String> passwordSupplier) {
            this.credentialsProvider = passwordSupplier == null ? null
                    : () -> DatabaseCredentials.password(passwordSupplier.get());
            return this;
        }

        /**
         * See {@link DatabaseConfig#credentialsProvider()}; default unset. Replaces a
         * {@link #passwordSupplier} set before. The URLs must not hold a password then.
         *
         * @param credentialsProvider gives the credentials for each new connection; {@code null} for none
         * @return this builder
         */
        public Builder credentialsProvider(CredentialsProvider credentialsProvider) {
            this.credentialsProvider = credentialsProvider;
            return this;
        }

        /**
         * See {@link DatabaseConfig#maxRetries()}; default 5.
         *
         * @param maxRetries retries after the first attempt
         * @return this builder
         */
        public Builder maxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
            return this;
        }

        /**
         * See {@link DatabaseConfig#retryBaseDelay()}; default 1 s.
         *
         * @param retryBaseDelay the delay before the first retry
         * @return this builder
         */
        public Builder retryBaseDelay(Duration retryBaseDelay) {
            this.retryBaseDelay = retryBaseDelay;
            return this;
        }

        /**
         * See {@link DatabaseConfig#poolSize()}; default 10.
         *
         * @param poolSize the maximum number of pooled connections
         * @return this builder
         */
        public Builder poolSize(int poolSize) {
            this.poolSize = poolSize;
            return this;
        }

        /**
         * See {@link DatabaseConfig#poolMinIdle()}; default 2, or the pool size when that is smaller.
         *
         * @param poolMinIdle the number of idle connections to keep
         * @return this builder
         */
        public Builder poolMinIdle(int poolMinIdle) {
            this.poolMinIdle = poolMinIdle;
            return this;
        }

        /**
         * See {@link DatabaseConfig#connectionTimeout()}; default 10 s.
         *
         * @param connectionTimeout the longest wait for a connection
         * @return this builder
         */
        public Builder connectionTimeout(Duration connectionTimeout) {
            this.connectionTimeout = connectionTimeout;
            return this;
        }

        /**
         * See {@link DatabaseConfig#idleTimeout()}; default 10 s.
         *
         * @param idleTimeout how long a connection may sit idle
         * @return this builder
         */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        /**
         * See {@link DatabaseConfig#statementTimeout()}; default none. {@link Duration#ZERO} means none, and so
         * does {@code null}.
         *
         * @param statementTimeout the longest run time of a statement, or {@code null} or zero for none
         * @return this builder
         */
        public Builder statementTimeout(Duration statementTimeout) {
            this.statementTimeout = statementTimeout;
            return this;
        }

        /**
         * See {@link DatabaseConfig#socketTimeout()}; default 60 s.
         *
         * @param socketTimeout the longest wait for the server on an open connection
         * @return this builder
         */
        public Builder socketTimeout(Duration socketTimeout) {
            this.socketTimeout = socketTimeout;
            return this;
        }

        /**
         * See {@link DatabaseConfig#reconnectInterval()}; default 30 s.
         *
         * @param reconnectInterval the time between attempts of the reconnect loop and between probes
         * @return this builder
         */
        public Builder reconnectInterval(Duration reconnectInterval) {
            this.reconnectInterval = reconnectInterval;
            return this;
        }

        /**
         * See {@link DatabaseConfig#disconnectTimeout()}; default 5 s.
         *
         * @param disconnectTimeout the bound of {@link ConnectionManager#disconnect()}
         * @return this builder
         */
        public Builder disconnectTimeout(Duration disconnectTimeout) {
            this.disconnectTimeout = disconnectTimeout;
            return this;
        }

        /**
         * See {@link DatabaseConfig#probeTimeout()}; default 2 s, or the connection timeout when shorter.
         *
         * @param probeTimeout the bound of a probe and of a health check
         * @return this builder
         */
        public Builder probeTimeout(Duration probeTimeout) {
            this.probeTimeout = probeTimeout;
            return this;
        }

        /**
         * See {@link DatabaseConfig#probeInterval()}; default 20 ms.
         *
         * @param probeInterval the gap between probes at the start of an outage
         * @return this builder
         */
        public Builder probeInterval(Duration probeInterval) {
            this.probeInterval = probeInterval;
            return this;
        }

        /**
         * See {@link DatabaseConfig#probeFastPeriod()}; default 2 s.
         *
         * @param probeFastPeriod how long an outage is probed every probe interval before the gaps grow
         * @return this builder
         */
        public Builder probeFastPeriod(Duration probeFastPeriod) {
            this.probeFastPeriod = probeFastPeriod;
            return this;
        }

        /**
         * See {@link DatabaseConfig#probeMaxInterval()}; default 300 ms.
         *
         * @param probeMaxInterval the longest gap between probes while the server is unreachable
         * @return this builder
         */
        public Builder probeMaxInterval(Duration probeMaxInterval) {
            this.probeMaxInterval = probeMaxInterval;
            return this;
        }

        /**
         * See {@link DatabaseConfig#readUrl()}; default unset ({@code null}).
         *
         * @param readUrl the URL of the servers to read from, or {@code null}
         * @return this builder
         */
        public Builder readUrl(String readUrl) {
            this.readUrl = readUrl;
            return this;
        }

        /**
         * See {@link DatabaseConfig#maxReplicaLag()}; default 5 s.
         *
         * @param maxReplicaLag the largest replay lag that still serves reads
         * @return this builder
         */
        public Builder maxReplicaLag(Duration maxReplicaLag) {
            this.maxReplicaLag = maxReplicaLag;
            return this;
        }

        /**
         * See {@link DatabaseConfig#replicaCheckInterval()}; default 1 s.
         *
         * @param replicaCheckInterval the interval between measurements of the standbys
         * @return this builder
         */
        public Builder replicaCheckInterval(Duration replicaCheckInterval) {
            this.replicaCheckInterval = replicaCheckInterval;
            return this;
        }

        /**
         * See {@link DatabaseConfig#pgBouncer()}; default {@link PgBouncerMode#OFF}.
         *
         * @param pgBouncer whether and how connections go through PgBouncer
         * @return this builder
         */
        public Builder pgBouncer(PgBouncerMode pgBouncer) {
            this.pgBouncer = pgBouncer;
            return this;
        }

        /**
         * See {@link DatabaseConfig#rewriteBatchedInserts()}; default {@code true}.
         *
         * @param rewriteBatchedInserts {@code false} to send a batch of inserts one statement per row, with an
         *                              update count per row
         * @return this builder
         */
        public Builder rewriteBatchedInserts(boolean rewriteBatchedInserts) {
            this.rewriteBatchedInserts = rewriteBatchedInserts;
            return this;
        }

        /**
         * See {@link DatabaseConfig#name()}; default {@code default}.
         *
         * @param name the name used in pool and thread names
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * See {@link DatabaseConfig#appEnv()}; default unset.
         *
         * @param appEnv the application environment, or {@code null}
         * @return this builder
         */
        public Builder appEnv(String appEnv) {
            this.appEnv = appEnv;
            return this;
        }

        /**
         * Validates every setting and returns the configuration.
         *
         * @return the validated configuration
         * @throws DatabaseError with {@link ErrorCode#CONFIGURATION_ERROR} listing every problem
         */
        public DatabaseConfig build() {
            return build(new ConfigProblems(url));
        }

        /**
         * initializeConnection() blocks its callers for the whole schedule; past an hour the reconnect loop is
         * the better tool, so a larger total is refused rather than trusted.
         */
        private void checkTotalBackoff(ConfigProblems problems) {
            if (retryBaseDelay == null || retryBaseDelay.isNegative() || maxRetries < 0 || maxRetries > 30) {
                return; // reported on its own
            }
            long totalMillis = retryBaseDelay.toMillis() * ((1L << maxRetries) - 1);
            if (totalMillis > MAX_TOTAL_BACKOFF_MILLIS) {
                problems.add(DB_MAX_RETRIES, "maxRetries", maxRetries + " retries from a base delay of "
                                + retryBaseDelay.toMillis() + " ms wait " + totalMillis / 1000 + " s in all",
                        "keep the total under one hour (fewer retries or a shorter " + DB_RETRY_BASE_DELAY
                                + "); the reconnect loop covers longer outages");
            }
        }

        /**
         * In transaction mode a server connection serves many clients, so nothing may live in the session: a
         * statement timeout (a session setting sent at startup) and server-side prepared statements are refused.
         */
        private void checkPgBouncer(ConfigProblems problems, ConnectionUrl... urls) {
            if (pgBouncer == null) {
                problems.add(DB_PGBOUNCER, "pgBouncer", "is missing", "use off, session or transaction");
                return;
            }
            if (pgBouncer != PgBouncerMode.TRANSACTION) {
                return;
            }
            if (statementTimeout != null && !statementTimeout.isZero()) {
                problems.add(DB_STATEMENT_TIMEOUT, "statementTimeout", "is set while " + DB_PGBOUNCER + "=transaction",
                        "PgBouncer in transaction mode cannot keep a session setting: unset it and set the timeout on the"
                                + " role instead (ALTER ROLE app SET statement_timeout = '30s')");
            }
            for (ConnectionUrl u : urls) {
                String threshold = u == null ? null : u.driverProperties().get("prepareThreshold");
                if (threshold != null && !threshold.trim().equals("0")) {
                    problems.add(DB_PGBOUNCER, "pgBouncer", "is transaction but the URL sets prepareThreshold="
                                    + threshold, "remove prepareThreshold from the URL: in transaction mode pgkeeper sets"
                                    + " it to 0, because a statement prepared in one transaction is gone in the next");
                }
            }
        }

        /**
         * One source of the password: the URLs, a file or a provider. Two would leave the reader guessing which one
         * a login used, and a rotation would change one of them only.
         */
        private void checkPasswordSource(ConfigProblems problems, ConnectionUrl parsed, ConnectionUrl parsedRead) {
            if (passwordFile != null && credentialsProvider != null) {
                problems.add(DB_PASSWORD_FILE, "passwordFile", "is set together with a credentials provider"
                                + " (passwordSupplier or credentialsProvider)",
                        "keep one source of the password: unset " + DB_PASSWORD_FILE + ", or drop the provider");
            }
            String source = passwordFile != null ? DB_PASSWORD_FILE : credentialsProvider != null
                    ? "a credentials provider (passwordSupplier or credentialsProvider)" : null;
            if (source == null) {
                return;
            }
            if (parsed != null && parsed.password() != null) {
                problems.add(DATABASE_URL, "url", "holds a password while " + source + " is set",
                        "remove the password from " + DATABASE_URL + " (postgresql://user@host/db), since pgkeeper takes"
                                + " it from " + source + " for each new connection; or drop " + source);
            }
            if (parsedRead != null && parsedRead.password() != null) {
                problems.add(DATABASE_READ_URL, "readUrl", "holds a password while " + source + " is set",
                        "remove the password from " + DATABASE_READ_URL + ": the same source gives the password for"
                                + " every connection; or drop " + source);
            }
            if (passwordFile != null) {
                checkPasswordFile(problems);
            }
        }

        private void checkPasswordFile(ConfigProblems problems) {
            String fix = "mount the secret at that path, or set " + DB_PASSWORD_FILE + " to the file that holds the password";
            if (!Files.exists(passwordFile)) {
                problems.add(DB_PASSWORD_FILE, "passwordFile", passwordFile + " does not exist", fix);
            } else if (!Files.isRegularFile(passwordFile)) {
                problems.add(DB_PASSWORD_FILE, "passwordFile", passwordFile + " is not a regular file", fix);
            } else if (!Files.isReadable(passwordFile)) {
                problems.add(DB_PASSWORD_FILE, "passwordFile", passwordFile + " is not readable by this process",
                        "give the user this process runs as read access to it (e.g. the pod's fsGroup or defaultMode)");
            }
        }

        private DatabaseConfig build(ConfigProblems problems) {
            ConnectionUrl parsed = problems.checkUrl(DATABASE_URL, "url", url);
            problems.checkRange(DB_MAX_RETRIES, "maxRetries", maxRetries, 0, 30);
            problems.checkDuration(DB_RETRY_BASE_DELAY, "retryBaseDelay", retryBaseDelay, 0, 600_000);
            checkTotalBackoff(problems);
            problems.checkRange(DB_POOL_SIZE, "poolSize", poolSize, 1, 1000);
            if (poolMinIdle != null) {
                problems.checkRange(DB_POOL_MIN_IDLE, "poolMinIdle", poolMinIdle, 0, Math.max(poolSize, 0));
            }
            problems.checkDuration(DB_CONNECTION_TIMEOUT, "connectionTimeout", connectionTimeout, 250, 3_600_000);
            problems.checkDurationZeroOr(DB_IDLE_TIMEOUT, "idleTimeout", idleTimeout, 10_000, 86_400_000,
                    "HikariCP retires idle connections no sooner than 10 s");
            problems.checkWholeSecondsZeroOr(DB_SOCKET_TIMEOUT, "socketTimeout", socketTimeout, 86_400_000);
            if (statementTimeout != null) {
                problems.checkDuration(DB_STATEMENT_TIMEOUT, "statementTimeout", statementTimeout, 0, 86_400_000);
            }
            if (statementTimeout != null && socketTimeout != null && !statementTimeout.isZero()
                    && socketTimeout.toMillis() > 0 && socketTimeout.toMillis() % 1000 == 0
                    && statementTimeout.compareTo(socketTimeout) >= 0) {
                problems.add(DB_STATEMENT_TIMEOUT, "statementTimeout", statementTimeout.toMillis()
                                + " ms is not shorter than the socket timeout (" + socketTimeout.toMillis() + " ms)",
                        "the socket would give up before the server cancels the statement: make it shorter than "
                                + DB_SOCKET_TIMEOUT + ", or set " + DB_SOCKET_TIMEOUT + "=0");
            }
            problems.checkDuration(DB_RECONNECT_INTERVAL, "reconnectInterval", reconnectInterval, 100, 86_400_000);
            problems.checkDuration(DB_DISCONNECT_TIMEOUT, "disconnectTimeout", disconnectTimeout, 0, 600_000);
            if (probeTimeout != null) {
                problems.checkDuration(DB_PROBE_TIMEOUT, "probeTimeout", probeTimeout, 100, 60_000);
                if (connectionTimeout != null && probeTimeout.compareTo(connectionTimeout) > 0) {
                    problems.add(DB_PROBE_TIMEOUT, "probeTimeout", probeTimeout.toMillis()
                            + " ms is longer than the connection timeout (" + connectionTimeout.toMillis() + " ms)",
                            "a probe must not outlast a normal connection attempt: lower it, or leave it unset");
                }
            }
            problems.checkDuration(DB_PROBE_INTERVAL, "probeInterval", probeInterval, 10, 60_000);
            problems.checkDuration(DB_PROBE_FAST_PERIOD, "probeFastPeriod", probeFastPeriod, 0, 600_000);
            problems.checkDuration(DB_PROBE_MAX_INTERVAL, "probeMaxInterval", probeMaxInterval, 10, 600_000);
            if (probeInterval != null && probeMaxInterval != null && probeMaxInterval.compareTo(probeInterval) < 0
                    && probeMaxInterval.toMillis() >= 10) {
                problems.add(DB_PROBE_MAX_INTERVAL, "probeMaxInterval", probeMaxInterval.toMillis()
                                + " ms is shorter than the probe interval (" + probeInterval.toMillis() + " ms)",
                        "the gaps between probes grow from " + DB_PROBE_INTERVAL + " up to this maximum: raise it to at"
                                + " least " + probeInterval.toMillis() + " ms, or lower " + DB_PROBE_INTERVAL);
            }
            if (name == null || !NAME.matcher(name).matches()) {
                problems.add(DB_POOL_NAME, "name", name == null ? "is missing" : "'" + name + "' is not a valid name",
                        "use 1 to 40 letters, digits, '_' or '-', e.g. " + DB_POOL_NAME + "=orders");
            }
            ConnectionUrl parsedRead = readUrl == null || readUrl.isBlank() ? null
                    : problems.checkUrl(DATABASE_READ_URL, "readUrl", readUrl);
            problems.checkDuration(DB_MAX_REPLICA_LAG, "maxReplicaLag", maxReplicaLag, 0, 86_400_000);
            problems.checkDuration(DB_REPLICA_CHECK_INTERVAL, "replicaCheckInterval", replicaCheckInterval, 50, 3_600_000);
            checkPgBouncer(problems, parsed, parsedRead);
            checkPasswordSource(problems, parsed, parsedRead);
            problems.throwIfAny();
            return new DatabaseConfig(this, parsed, parsedRead);
        }
    }
}
