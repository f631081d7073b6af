package dev.pgkeeper.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.ConnectionEvent;
import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.ConnectionPhase;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.PrivateServerTest;
import dev.pgkeeper.testing.TcpProxy;
import dev.pgkeeper.testing.TestThreads;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, scenario A: the network between the manager and its server turns into a black hole (the peer
 * accepts connections and never answers; open connections go silent) while 64 threads call
 * {@code dataSource().getConnection()} + {@code SELECT 1}.
 *
 * <p>Thresholds, for calls that began after the manager knew of the outage (its {@code CONNECTION_LOST}
 * event, or phase {@code RECONNECTING}):
 * <ul>
 *   <li>p99 at most 50 ms: once the outage is known there is nothing to wait for; a call should cost a
 *       state read and an exception, and 50 ms leaves room for a shared two-core machine's scheduling.</li>
 *   <li>none over 1 s (the probe timeout): a call may at most serve as the one bounded probe; it must never
 *       wait for the connection timeout (2 s) or the socket timeout (60 s) of a silent peer.</li>
 *   <li>at most 2 live pgjdbc connect threads (named {@value #PGJDBC_CONNECT_THREAD}; pgjdbc starts one per
 *       attempt when {@code loginTimeout} is set, and abandons it, still blocked on the socket, when the
 *       timeout passes), sampled every ~10 ms from the black hole to the heal: one probe in flight at a time
 *       (the design's watcher), plus one for the pool's adder or a probe that is just ending. More means
 *       attempts pile up against a silent peer, each holding a thread and a socket.</li>
 *   <li>after the heal, a call succeeds within 5 s: the reconnect loop runs every 500 ms and a probe takes at
 *       most 1 s, so a few seconds is generous.</li>
 * </ul>
 * Detection must happen within 10 s of the black hole (round one's code never detected it under load).
 * Liveness probes run every 500 ms with a 1 s timeout, and under load a probe that started while pooled
 * connections were still being lent is not conclusive, so detection takes two to four probe rounds: 2.0 to
 * 4.5 s measured in CI runs. The issue bounds the calls after detection, not detection itself; 10 s leaves
 * room on a shared 2-core machine. How long it took is reported.
 *
 * <p>Two onsets: the black hole hits a pool busy with the 64 callers (they keep calling throughout), or an
 * idle pool (the callers start once the outage is known). The first is what production sees; the second
 * isolates the fail-fast path from detection, so that its figures exist even when detection under load fails.
 */
@PrivateServerTest
class BlackHoleIT {

    /** The name pgjdbc's {@code Driver.connect} gives the thread that logs in when {@code loginTimeout} is set. */
    static final String PGJDBC_CONNECT_THREAD = "PostgreSQL JDBC driver connection thread";
    private static final int CALLERS = 64;
    private static final Duration DETECTION_DEADLINE = Duration.ofSeconds(10);
    private static final Duration LOAD_AFTER_DETECTION = Duration.ofSeconds(3);
    private static final Duration RECOVERY_DEADLINE = Duration.ofSeconds(5);
    private static final double P99_LIMIT_MILLIS = 50;
    private static final double MAX_LIMIT_MILLIS = 1_000;
    private static final int CONNECT_THREADS_LIMIT = 2;

    private final PrivateServer server;

    BlackHoleIT(PrivateServer server) {
        this.server = server;
    }

    @Test
    void sixtyFourBusyCallersFailFastOnceABlackHoleIsDetectedAndAtMostTwoConnectAttemptsAreInFlight() throws Exception {
        blackHole("A black hole under load, 64 callers", true);
    }

    @Test
    void sixtyFourCallersStartingAfterABlackHoleWasDetectedFailFastAndAtMostTwoConnectAttemptsAreInFlight()
            throws Exception {
        blackHole("A black hole while idle, then 64 callers", false);
    }

    /**
     * @param busyAtOnset whether the callers are already running when the network goes silent, or start only
     *                    once the outage is known (or the detection deadline has passed)
     */
    private void blackHole(String test, boolean busyAtOnset) throws Exception {
        List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
        AtomicLong lostEventAt = new AtomicLong();
        CallLog log = new CallLog();
        try (TcpProxy proxy = TcpProxy.start(server.host(), server.port());
             ConnectionManager manager = ConnectionManager.create(
                     LifecycleConfig.forUrl(LifecycleConfig.url(proxy.host(), proxy.port())).build())) {
            manager.addListener(e -> {
                if (e.type() == ConnectionEvent.Type.CONNECTION_LOST) {
                    lostEventAt.compareAndSet(0, System.nanoTime());
                }
                events.add(e);
            });
            assertThat(manager.initializeConnection().success()).isTrue();
            DataSource ds = manager.dataSource();
            assertThat(Jdbc.selectOne(ds)).isEqualTo(1);

            AtomicBoolean sampling = new AtomicBoolean(true);
            AtomicInteger maxConnectThreads = new AtomicInteger();
            AtomicInteger samples = new AtomicInteger();
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    maxConnectThreads.accumulateAndGet(TestThreads.countAlive(PGJDBC_CONNECT_THREAD), Math::max);
                    samples.incrementAndGet();
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "pgkeeper-test-connect-thread-sampler");
            sampler.setDaemon(true);

            try (LoadThreads callers = new LoadThreads("caller", CALLERS, log, Duration.ofMillis(10),
                    worker -> Jdbc.selectOne(ds))) {
                if (busyAtOnset) {
                    callers.start();
                    Thread.sleep(1_000); // healthy load first, so the outage hits a busy pool
                } else {
                    Thread.sleep(1_000); // idle long enough that HikariCP validates a connection before lending it
                }

                int connectThreadsBefore = TestThreads.countAlive(PGJDBC_CONNECT_THREAD);
                long blackHoleAt = System.nanoTime();
                proxy.mode(TcpProxy.Mode.BLACK_HOLE);
                sampler.start();

                // Detection: the CONNECTION_LOST event, or the phase, whichever is seen first; polled, bounded.
                long detectedAt = 0;
                long giveUpAt = blackHoleAt + DETECTION_DEADLINE.toNanos();
                while (detectedAt == 0 && System.nanoTime() - giveUpAt < 0) {
                    if (lostEventAt.get() != 0) {
                        detectedAt = lostEventAt.get();
                    } else if (manager.getConnectionStatus().phase() == ConnectionPhase.RECONNECTING) {
                        detectedAt = System.nanoTime();
                    } else {
                        Thread.sleep(5);
                    }
                }
                boolean detected = detectedAt != 0;
                // Undetected: the window opens at the deadline, so there are still figures to report.
                long windowStart = detected ? detectedAt : System.nanoTime();
                if (!busyAtOnset) {
                    windowStart = System.nanoTime();
                    callers.start();
                }
                long windowEnd = windowStart + LOAD_AFTER_DETECTION.toNanos();
                Thread.sleep(Math.max(0, (windowEnd - System.nanoTime()) / 1_000_000)); // the load window itself
                callers.stop();

                sampling.set(false);
                sampler.join(1_000);
                long healAt = System.nanoTime();
                proxy.mode(TcpProxy.Mode.FORWARD);

                long recoveredAt = 0;
                long recoveryDeadline = healAt + RECOVERY_DEADLINE.toNanos();
                while (recoveredAt == 0 && System.nanoTime() - recoveryDeadline < 0) {
                    try {
                        Jdbc.selectOne(ds);
                        recoveredAt = System.nanoTime();
                    } catch (SQLException e) {
                        Thread.sleep(10);
                    }
                }
                // Calls stuck on a silent connection finish once the bytes flow again.
                int stillRunning = callers.stopAndJoin(Duration.ofSeconds(10));

                List<CallLog.Call> window = log.beganBetween(windowStart, windowEnd);
                List<CallLog.Call> before = log.beganBetween(blackHoleAt, windowStart);
                long overLimit = window.stream().filter(c -> c.millis() > MAX_LIMIT_MILLIS).count();
                long endedAfterHeal = window.stream().filter(c -> c.endNanos() - healAt > 0).count();
                double p99 = CallLog.percentile(window, 99);
                double max = CallLog.max(window);
                String figures = String.format("detected %s after the black hole (event %s, phase %s); "
                                + "calls begun after detection: %s, %d over %.0f ms, %d still running at the heal; "
                                + "calls begun between black hole and detection: %s; pgjdbc connect threads: max %d "
                                + "in %d samples (%d before the black hole); first success %s after heal; "
                                + "callers still in a call 10 s after heal: %d; events %s",
                        detected ? String.format("%.0f ms", (detectedAt - blackHoleAt) / 1e6) : "NOT within "
                                + DETECTION_DEADLINE.toMillis() + " ms",
                        lostEventAt.get() == 0 ? "none" : String.format("%.0f ms", (lostEventAt.get() - blackHoleAt) / 1e6),
                        manager.getConnectionStatus().phase(),
                        CallLog.summary(window), overLimit, MAX_LIMIT_MILLIS, endedAfterHeal, CallLog.summary(before),
                        maxConnectThreads.get(), samples.get(), connectThreadsBefore,
                        recoveredAt == 0 ? "NONE within " + RECOVERY_DEADLINE.toMillis() + " ms"
                                : String.format("%.0f ms", (recoveredAt - healAt) / 1e6),
                        stillRunning, LifecycleConfig.types(events));
                Figures.record(test, "%s", figures);

                SoftAssertions soft = new SoftAssertions();
                soft.assertThat(detected).as("the outage is detected within %d ms [%s]",
                        DETECTION_DEADLINE.toMillis(), figures).isTrue();
                soft.assertThat(window).as("calls were made after detection [%s]", figures).isNotEmpty();
                soft.assertThat(p99).as("p99 of calls begun after detection, ms [%s]", figures)
                        .isLessThanOrEqualTo(P99_LIMIT_MILLIS);
                soft.assertThat(max).as("longest call begun after detection, ms [%s]", figures)
                        .isLessThanOrEqualTo(MAX_LIMIT_MILLIS);
                soft.assertThat(maxConnectThreads.get()).as("live pgjdbc connect threads during the outage [%s]", figures)
                        .isLessThanOrEqualTo(CONNECT_THREADS_LIMIT);
                soft.assertThat(recoveredAt).as("a call succeeds within %d ms of the heal [%s]",
                        RECOVERY_DEADLINE.toMillis(), figures).isNotZero();
                soft.assertThat(manager.getConnectionStatus().pool().active())
                        .as("connections still lent out once the callers are done").isZero();
                soft.assertAll();
            } finally {
                sampling.set(false);
                proxy.mode(TcpProxy.Mode.FORWARD);
            }
        }
    }
}
