package dev.pgkeeper.properties;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.ConnectionEvent;
import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.ConnectionPhase;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.testing.TcpProxy;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestPostgres;
import dev.pgkeeper.testing.TestThreads;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random interleavings of initialize / reconnect / disconnect / outage / recovery / calls, from two threads at
 * once, against a real server behind a proxy that can refuse and cut connections. Whatever the interleaving,
 * every listener sees a valid path through the state diagram (package documentation of
 * {@code dev.pgkeeper.internal.lifecycle}), each session's events on one thread and in order, nothing of a
 * session after its DISCONNECTED, and no pgkeeper thread after the last disconnect.
 */
class LifecycleProperties {

    /** Where a phase may go next, as seen by a listener (a new session starts from NOT_INITIALIZED). */
    private static final Map<ConnectionPhase, Set<ConnectionPhase>> NEXT = Map.of(
            ConnectionPhase.NOT_INITIALIZED, EnumSet.of(ConnectionPhase.CONNECTING, ConnectionPhase.CONNECTED,
                    ConnectionPhase.RECONNECTING, ConnectionPhase.FAILED, ConnectionPhase.DISCONNECTED),
            ConnectionPhase.CONNECTING, EnumSet.of(ConnectionPhase.CONNECTING, ConnectionPhase.CONNECTED,
                    ConnectionPhase.RECONNECTING, ConnectionPhase.FAILED, ConnectionPhase.DISCONNECTED),
            ConnectionPhase.CONNECTED, EnumSet.of(ConnectionPhase.CONNECTED, ConnectionPhase.RECONNECTING,
                    ConnectionPhase.FAILED, ConnectionPhase.DISCONNECTED),
            ConnectionPhase.RECONNECTING, EnumSet.of(ConnectionPhase.RECONNECTING, ConnectionPhase.CONNECTING,
                    ConnectionPhase.CONNECTED, ConnectionPhase.FAILED, ConnectionPhase.DISCONNECTED),
            ConnectionPhase.FAILED, EnumSet.of(ConnectionPhase.FAILED, ConnectionPhase.RECONNECTING,
                    ConnectionPhase.CONNECTING, ConnectionPhase.CONNECTED, ConnectionPhase.DISCONNECTED));

    enum Action { INITIALIZE, INITIALIZE_ASYNC, RECONNECT, DISCONNECT, OUTAGE, CUT, RECOVERY, CALL, PAUSE }

    private static TestDatabase db;
    private static TcpProxy proxy;

    @BeforeContainer
    static void start() {
        db = TestPostgres.server().createDatabase("LifecycleProperties");
        proxy = TcpProxy.start(db.host(), db.port());
    }

    @AfterContainer
    static void stop() {
        proxy.close();
        TestPostgres.server().dropDatabase(db.database());
    }

    /** What a listener saw: the event and the thread that delivered it. */
    private record Seen(ConnectionEvent event, Thread thread) {
    }

    @Property(tries = 100)
    @Label("Lifecycle: every listener sees a valid path through the state diagram, whatever the interleaving")
    void listenersSeeAValidPathWhateverTheInterleaving(
            @ForAll("actions") List<Action> first,
            @ForAll("actions") List<Action> second,
            @ForAll @IntRange(min = 0, max = 2) int maxRetries) throws Exception {
        proxy.mode(TcpProxy.Mode.FORWARD);
        DatabaseConfig config = DatabaseConfig.builder()
                .url(new TestDatabase("127.0.0.1", proxy.port(), db.database(), db.user(), db.password()).url())
                .poolSize(3).maxRetries(maxRetries).retryBaseDelay(Duration.ofMillis(5))
                .connectionTimeout(Duration.ofMillis(600)).probeTimeout(Duration.ofMillis(300))
                .reconnectInterval(Duration.ofMillis(100)).probeInterval(Duration.ofMillis(10))
                .disconnectTimeout(Duration.ofSeconds(3)).name("lifecycle").build();
        ConnectionManager manager = ConnectionManager.create(config);
        List<Seen> seen = new CopyOnWriteArrayList<>();
        manager.addListener(e -> seen.add(new Seen(e, Thread.currentThread())));

        ExecutorService lanes = Executors.newFixedThreadPool(2);
        try {
            Future<?> a = lanes.submit(() -> run(manager, first));
            Future<?> b = lanes.submit(() -> run(manager, second));
            a.get(30, TimeUnit.SECONDS);
            b.get(30, TimeUnit.SECONDS);
        } finally {
            lanes.shutdownNow();
            proxy.mode(TcpProxy.Mode.FORWARD);
            manager.disconnect();
        }

        assertThat(manager.getConnectionStatus().phase()).isIn(ConnectionPhase.DISCONNECTED,
                ConnectionPhase.NOT_INITIALIZED);
        TestThreads.assertNoPgkeeperThreads(Duration.ofSeconds(5));
        int settled = seen.size();
        Thread.sleep(20);
        assertThat(seen).as("no event after the last disconnect returned").hasSize(settled);
        assertValidPath(seen, manager.getConnectionStatus().phase());
    }

    /**
     * Round one reopened pool retirement in {@code initializeConnection()} while a racing {@code disconnect()}
     * drained it outside its lock; when the drain came second, every later retirement closed its pool at
     * once, and {@code reconnect()} aborted connections still lent out. Whatever the race's outcome, a
     * connection lent before {@code reconnect()} keeps working until it is given back.
     */
    @Property(tries = 100)
    @Label("Lifecycle: after disconnect() races initializeConnection(), reconnect() never aborts a lent connection")
    void reconnectNeverAbortsALentConnectionAfterARaceOfDisconnectAndInitialize(
            @ForAll @IntRange(min = 0, max = 300) int headStartMicros) throws Exception {
        proxy.mode(TcpProxy.Mode.FORWARD);
        try (ConnectionManager manager = ConnectionManager.create(DatabaseConfig.builder()
                .url(new TestDatabase("127.0.0.1", proxy.port(), db.database(), db.user(), db.password()).url())
                .poolSize(2).poolMinIdle(0).name("race").build())) {
            manager.initializeConnection();
            ExecutorService two = Executors.newFixedThreadPool(2);
            try {
                Future<?> disconnect = two.submit(manager::disconnect);
                java.util.concurrent.locks.LockSupport.parkNanos(headStartMicros * 1_000L);
                Future<?> initialize = two.submit(() -> manager.initializeConnection(Duration.ofSeconds(5)));
                disconnect.get(10, TimeUnit.SECONDS);
                initialize.get(10, TimeUnit.SECONDS);
            } finally {
                two.shutdownNow();
            }
            manager.initializeConnection(Duration.ofSeconds(5));
            try (Connection lent = manager.dataSource().getConnection()) {
                assertThat(manager.reconnect().success()).isTrue();
                Thread.sleep(150); // a retired pool's first quiet check runs after 100 ms
                try (Statement s = lent.createStatement()) {
                    assertThat(s.execute("SELECT 1")).as("the connection lent before reconnect()").isTrue();
                }
            }
        }
    }

    private static void assertValidPath(List<Seen> seen, ConnectionPhase finalPhase) {
        List<ConnectionEvent> events = seen.stream().map(Seen::event).toList();
        ConnectionPhase previous = ConnectionPhase.NOT_INITIALIZED;
        for (ConnectionEvent e : events) {
            assertThat(NEXT.get(previous)).as("%s after %s in %s", e.phase(), previous, events).contains(e.phase());
            switch (e.type()) {
                case CONNECTED -> assertThat(e.phase()).isEqualTo(ConnectionPhase.CONNECTED);
                case CONNECTION_LOST -> assertThat(previous).as("lost in %s", events).isEqualTo(ConnectionPhase.CONNECTED);
                case SERVER_RESTARTED -> assertThat(List.of(previous, e.phase())).as("restart in %s", events)
                        .containsOnly(ConnectionPhase.CONNECTED);
                case PRIMARY_CHANGED -> assertThat(List.of(previous, e.phase())).as("new primary in %s", events)
                        .containsOnly(ConnectionPhase.CONNECTED);
                case FAILED -> assertThat(e.phase()).isEqualTo(ConnectionPhase.FAILED);
                case DISCONNECTED -> assertThat(e.phase()).isEqualTo(ConnectionPhase.DISCONNECTED);
                case RETRYING -> assertThat(e.phase()).isIn(ConnectionPhase.CONNECTING, ConnectionPhase.RECONNECTING,
                        ConnectionPhase.FAILED);
            }
            assertThat(e.error() == null).as("error of %s", e)
                    .isEqualTo(e.type() == ConnectionEvent.Type.CONNECTED || e.type() == ConnectionEvent.Type.DISCONNECTED
                            || e.type() == ConnectionEvent.Type.SERVER_RESTARTED
                            || e.type() == ConnectionEvent.Type.PRIMARY_CHANGED);
            previous = e.phase() == ConnectionPhase.DISCONNECTED ? ConnectionPhase.NOT_INITIALIZED : e.phase();
        }
        if (!events.isEmpty()) {
            assertThat(events.get(events.size() - 1).phase()).as("the last event says where the manager ended, in %s",
                    events).isEqualTo(finalPhase);
        }
        // One delivering thread per session: each ends its run with exactly one DISCONNECTED, and no thread
        // delivers after another has started (sessions do not overlap).
        Map<Thread, List<ConnectionEvent.Type>> bySession = new LinkedHashMap<>();
        Thread current = null;
        for (Seen s : seen) {
            assertThat(s.thread().getName()).as("delivered on an event thread").contains("-events-");
            if (s.thread() != current) {
                assertThat(bySession).as("session threads interleave in %s", events).doesNotContainKey(s.thread());
                current = s.thread();
            }
            bySession.computeIfAbsent(s.thread(), t -> new ArrayList<>()).add(s.event().type());
        }
        for (List<ConnectionEvent.Type> session : bySession.values()) {
            assertThat(session.subList(0, session.size() - 1)).as("one session's events: %s", session)
                    .doesNotContain(ConnectionEvent.Type.DISCONNECTED);
        }
        List<List<ConnectionEvent.Type>> sessions = List.copyOf(bySession.values());
        for (int i = 0; i < sessions.size() - 1; i++) {
            assertThat(sessions.get(i)).as("a session that was followed by another ended").endsWith(ConnectionEvent.Type.DISCONNECTED);
        }
    }

    private static Void run(ConnectionManager manager, List<Action> actions) throws Exception {
        for (Action action : actions) {
            switch (action) {
                case INITIALIZE -> manager.initializeConnection(Duration.ofMillis(400));
                case INITIALIZE_ASYNC -> manager.initializeConnectionAsync();
                case RECONNECT -> manager.reconnect();
                case DISCONNECT -> manager.disconnect();
                case OUTAGE -> proxy.mode(TcpProxy.Mode.REFUSE_NEW);
                case CUT -> proxy.resetAll();
                case RECOVERY -> proxy.mode(TcpProxy.Mode.FORWARD);
                case CALL -> call(manager);
                case PAUSE -> Thread.sleep(30);
            }
        }
        return null;
    }

    private static void call(ConnectionManager manager) {
        try (Connection c = manager.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        } catch (SQLException | RuntimeException e) {
            // failures are expected while the proxy refuses; the events are what this property checks
        }
    }

    @Provide
    Arbitrary<List<Action>> actions() {
        return Arbitraries.of(Action.class).list().ofMinSize(2).ofMaxSize(8);
    }
}
