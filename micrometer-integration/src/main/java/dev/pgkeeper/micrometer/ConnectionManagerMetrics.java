package dev.pgkeeper.micrometer;

import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.pgkeeper.BorrowObserver;
import dev.pgkeeper.ConnectionEvent;
import dev.pgkeeper.ConnectionListener;
import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.ConnectionPhase;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.HostStatus;
import dev.pgkeeper.ServerRole;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer meters for one {@link ConnectionManager}. Bind it to a registry as any other
 * {@link MeterBinder}, before or after {@code initializeConnection()}:
 * <pre>{@code
 * ConnectionManagerMetrics metrics = new ConnectionManagerMetrics(manager);
 * metrics.bindTo(registry);
 * ...
 * metrics.close(); // before the manager goes away, if the registry outlives it
 * }</pre>
 *
 * <h2>Pool meters: HikariCP's own</h2>
 * The pool is measured by HikariCP's Micrometer tracker
 * ({@code com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory}), attached through
 * {@link ConnectionManager#addPoolMetricsTracker}: the manager replaces its pool after an outage, on
 * {@code reconnect()} and after a switchover, and the tracker sees all of them as one pool whose {@code pool} tag is
 * the manager's name. Those meters keep HikariCP's names and only that tag (Micrometer's common tags apply):
 * {@code hikaricp.connections} (total), {@code .active}, {@code .idle}, {@code .pending}, {@code .max},
 * {@code .min} (gauges), {@code hikaricp.connections.acquire}, {@code .usage}, {@code .creation} (timers) and
 * {@code hikaricp.connections.timeout} (counter). Their acquire timer counts only connections HikariCP lent;
 * the pgkeeper timer below counts every call. Standby pools of {@code readDataSource()} are not included.
 *
 * <h2>pgkeeper's meters</h2>
 * All tagged {@code manager=<name>} (the manager's {@code DB_NAME}) and the tags given to the constructor.
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>more tags</th><th>unit</th><th>meaning</th></tr>
 *   <tr><td>{@code pgkeeper.state}</td><td>gauge</td><td>{@code state}: each {@link ConnectionPhase}</td>
 *       <td>—</td><td>1 for the manager's phase now, 0 for the others</td></tr>
 *   <tr><td>{@code pgkeeper.outages}</td><td>counter</td><td></td><td>outages</td><td>times the manager lost the
 *       connection it had: CONNECTED became RECONNECTING or FAILED</td></tr>
 *   <tr><td>{@code pgkeeper.outage.duration}</td><td>long task timer</td><td></td><td>seconds</td><td>the outage
 *       under way: 1 active task and its length so far, or 0</td></tr>
 *   <tr><td>{@code pgkeeper.recovery}</td><td>timer</td><td></td><td>seconds</td><td>time to recovery of each
 *       outage that ended connected: from the loss to CONNECTED again (event timestamps); an outage ended by
 *       {@code disconnect()} is not recorded</td></tr>
 *   <tr><td>{@code pgkeeper.server.restarts}</td><td>counter</td><td></td><td>restarts</td><td>restarts of the same
 *       server noticed while connected, without an outage ({@code SERVER_RESTARTED})</td></tr>
 *   <tr><td>{@code pgkeeper.primary.changes}</td><td>counter</td><td></td><td>changes</td><td>switchovers and
 *       failovers followed while connected ({@code PRIMARY_CHANGED})</td></tr>
 *   <tr><td>{@code pgkeeper.connections.acquire}</td><td>timer</td><td>{@code datasource}: {@code write} or
 *       {@code read}; {@code outcome}: {@code success} or {@code failure}</td><td>seconds</td><td>every
 *       {@code getConnection()} on {@code dataSource()} / {@code readDataSource()}, including the calls that
 *       fail fast while the server is down and never reach HikariCP</td></tr>
 *   <tr><td>{@code pgkeeper.calls.failed}</td><td>counter</td><td>{@code datasource}; {@code code}: the
 *       {@link ErrorCode}</td><td>—</td><td>{@code getConnection()} calls that failed, by category; a series
 *       appears with its first failure</td></tr>
 *   <tr><td>{@code pgkeeper.host.reachable}</td><td>gauge</td><td>{@code host}</td><td>—</td><td>1 when the last
 *       probe of the host got an answer, else 0 ({@link ConnectionManager#hosts()})</td></tr>
 *   <tr><td>{@code pgkeeper.host.role}</td><td>gauge</td><td>{@code host}; {@code role}: each
 *       {@link ServerRole}</td><td>—</td><td>1 for the role the host answered with, 0 for the others</td></tr>
 *   <tr><td>{@code pgkeeper.host.replay.lag}</td><td>time gauge</td><td>{@code host}</td><td>seconds</td><td>a
 *       standby's replay lag; NaN for a primary or when not known</td></tr>
 * </table>
 * Host meters appear for the hosts {@link ConnectionManager#hosts()} lists, from the binding on or once the
 * manager first reports them. The outage meters start counting at the binding: an outage already under way
 * then is not counted.
 *
 * <p>Thread-safe. Binding to several registries is allowed; {@link #close()} undoes every binding.
 */
public final class ConnectionManagerMetrics implements MeterBinder, AutoCloseable {

    private final ConnectionManager manager;
    private final Tags tags;
    private final List<Binding> bindings = new CopyOnWriteArrayList<>();

    /**
     * Meters for {@code manager}, tagged with its name.
     *
     * @param manager the manager to measure
     * @throws NullPointerException if {@code manager} is {@code null}
     */
    public ConnectionManagerMetrics(ConnectionManager manager) {
        this(manager, Tags.empty());
    }

    /**
     * Meters for {@code manager}, tagged with its name and {@code extraTags} (not applied to HikariCP's meters:
     * use the registry's common tags for tags every meter should carry).
     *
     * @param manager   the manager to measure
     * @param extraTags tags for every {@code pgkeeper.*} meter
     * @throws NullPointerException if {@code manager} or {@code extraTags} is {@code null}
     */
    public ConnectionManagerMetrics(ConnectionManager manager, Iterable<Tag> extraTags) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.tags = Tags.of(Objects.requireNonNull(extraTags, "extraTags")).and("manager", manager.config().name());
    }

    /** Registers the meters in {@code registry} and starts feeding them. */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        Binding b = new Binding(registry);
        bindings.add(b);
        b.start();
    }

    /**
     * Stops feeding the meters and removes them from every registry this was bound to, HikariCP's pool meters
     * included. Idempotent.
     */
    @Override
    public void close() {
        for (Binding b : bindings) {
            bindings.remove(b);
            b.close();
        }
    }

    /** The meters of one registry and what feeds them. */
    private final class Binding implements ConnectionListener, BorrowObserver {
        private final MeterRegistry registry;
        private final List<Meter> meters = new CopyOnWriteArrayList<>();
        private final MicrometerMetricsTrackerFactory poolTracker;
        private final OutageAccounting outages;
        private final Counter restarts;
        private final Counter primaryChanges;
        private final Timer[] acquire = new Timer[4]; // [reads ? 2 : 0 + failure ? 1 : 0]
        private final Map<ErrorCode, Counter> writeFailures = new ConcurrentHashMap<>();
        private final Map<ErrorCode, Counter> readFailures = new ConcurrentHashMap<>();
        private final Set<String> hosts = ConcurrentHashMap.newKeySet();

        Binding(MeterRegistry registry) {
            this.registry = registry;
            this.poolTracker = new MicrometerMetricsTrackerFactory(registry);
            for (ConnectionPhase p : ConnectionPhase.values()) {
                add(Gauge.builder("pgkeeper.state", manager, m -> m.getConnectionStatus().phase() == p ? 1 : 0)
                        .description("1 for the connection manager's phase now, 0 for the others")
                        .tags(tags).tag("state", p.name()).register(registry));
            }
            this.outages = new OutageAccounting(manager.getConnectionStatus().phase(),
                    add(Counter.builder("pgkeeper.outages").baseUnit("outages")
                            .description("Times the manager lost the connection it had (CONNECTED became RECONNECTING or FAILED)")
                            .tags(tags).register(registry)),
                    add(LongTaskTimer.builder("pgkeeper.outage.duration")
                            .description("The outage under way, if any, and its length so far")
                            .tags(tags).register(registry)),
                    add(Timer.builder("pgkeeper.recovery")
                            .description("Time to recovery: from losing the connection to being connected again")
                            .tags(tags).register(registry)));
            this.restarts = add(Counter.builder("pgkeeper.server.restarts").baseUnit("restarts")
                    .description("Restarts of the same server noticed while connected, without an outage")
                    .tags(tags).register(registry));
            this.primaryChanges = add(Counter.builder("pgkeeper.primary.changes").baseUnit("changes")
                    .description("Switchovers and failovers to another primary followed while connected")
                    .tags(tags).register(registry));
            for (int i = 0; i < 4; i++) {
                acquire[i] = add(Timer.builder("pgkeeper.connections.acquire")
                        .description("Time of each getConnection() on the manager's DataSources, fail-fast calls included")
                        .tags(tags).tag("datasource", i >= 2 ? "read" : "write")
                        .tag("outcome", i % 2 == 1 ? "failure" : "success").register(registry));
            }
            registerHosts();
        }

        void start() {
            manager.addListener(this);
            manager.addBorrowObserver(this);
            manager.addPoolMetricsTracker(poolTracker);
        }

        void close() {
            manager.removeListener(this);
            manager.removeBorrowObserver(this);
            manager.removePoolMetricsTracker(poolTracker); // HikariCP's tracker removes its meters
            for (Meter m : meters) {
                registry.remove(m);
            }
            meters.clear();
        }

        private <M extends Meter> M add(M meter) {
            meters.add(meter);
            return meter;
        }

        @Override
        public void onEvent(ConnectionEvent event) {
            outages.on(event);
            switch (event.type()) {
                case SERVER_RESTARTED -> restarts.increment();
                case PRIMARY_CHANGED -> primaryChanges.increment();
                default -> { }
            }
            registerHosts();
        }

        @Override
        public void borrowed(boolean reads, long elapsedNanos) {
            acquire[reads ? 2 : 0].record(elapsedNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void failed(boolean reads, long elapsedNanos, ErrorCode code) {
            acquire[reads ? 3 : 1].record(elapsedNanos, TimeUnit.NANOSECONDS);
            (reads ? readFailures : writeFailures).computeIfAbsent(code, c -> add(Counter.builder("pgkeeper.calls.failed")
                    .description("getConnection() calls that failed, by pgkeeper error code")
                    .tags(tags).tag("datasource", reads ? "read" : "write").tag("code", c.name())
                    .register(registry))).increment();
        }

        private void registerHosts() {
            List<String> fresh = new ArrayList<>();
            for (HostStatus h : manager.hosts()) {
                if (hosts.add(h.host())) {
                    fresh.add(h.host());
                }
            }
            for (String host : fresh) {
                Tags hostTags = tags.and("host", host);
                add(Gauge.builder("pgkeeper.host.reachable", manager, m -> {
                    HostStatus h = host(m, host);
                    return h == null ? Double.NaN : h.reachable() ? 1 : 0;
                }).description("1 when the last probe of the host got an answer, else 0").tags(hostTags).register(registry));
                for (ServerRole r : ServerRole.values()) {
                    add(Gauge.builder("pgkeeper.host.role", manager, m -> {
                        HostStatus h = host(m, host);
                        return h == null ? Double.NaN : h.role() == r ? 1 : 0;
                    }).description("1 for the role the host answered with, 0 for the others")
                            .tags(hostTags).tag("role", r.name()).register(registry));
                }
                add(TimeGauge.builder("pgkeeper.host.replay.lag", manager, TimeUnit.MILLISECONDS, m -> {
                    HostStatus h = host(m, host);
                    return h == null || h.replayLag() == null ? Double.NaN : h.replayLag().toMillis();
                }).description("A standby's replay lag; NaN for a primary or when not known").tags(hostTags)
                        .register(registry));
            }
        }
    }

    private static HostStatus host(ConnectionManager manager, String host) {
        for (HostStatus h : manager.hosts()) {
            if (h.host().equals(host)) {
                return h;
            }
        }
        return null;
    }
}
