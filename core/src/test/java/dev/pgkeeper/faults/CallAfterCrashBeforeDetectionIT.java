package dev.pgkeeper.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.ConnectionEvent;
import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.ConnectionPhase;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.PrivateServerTest;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, finding 1: a call that begins after a crash but before the manager has noticed it must not wait in
 * the old pool for the full connection timeout.
 *
 * <p>The pool sits idle for a second first, so HikariCP validates each idle connection before lending it (it
 * skips that for connections used within the last 500 ms, which would fail at once instead). Then
 * {@code kill -9}; four calls begin 0, 10, 20 and 30 ms after {@link PrivateServer#kill()} returns (the
 * postmaster and its backends are gone by then), each on its own thread. The liveness probe runs only every
 * minute here, so the calls themselves are the first to meet the crash; the connection timeout is the
 * default 10 s so that a parked call is unmistakable.
 *
 * <p>Threshold: each call ends (with an error) within 2 s. A crashed server refuses connections at once, so
 * the manager can know the server is gone after one refused connect; 2 s is twice the probe timeout, room for
 * a probe and a shared machine, and a fifth of the connection timeout a parked call would wait.
 * The manager must also be RECONNECTING within that time, and recover once the server is started again.
 */
@PrivateServerTest
class CallAfterCrashBeforeDetectionIT {

    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(10);
    private static final double CALL_LIMIT_MILLIS = 2_000;
    private static final int CALLS = 4;

    private final PrivateServer server;

    CallAfterCrashBeforeDetectionIT(PrivateServer server) {
        this.server = server;
    }

    @Test
    void aCallThatBeginsAfterACrashButBeforeTheManagerNoticesDoesNotWaitForTheConnectionTimeout() throws Exception {
        String test = "E1 call after crash, before detection";
        List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
        CallLog log = new CallLog();
        try (ConnectionManager manager = ConnectionManager.create(LifecycleConfig.forUrl(server.admin("postgres").url())
                .connectionTimeout(CONNECTION_TIMEOUT).reconnectInterval(Duration.ofMinutes(1)).build())) {
            manager.addListener(events::add);
            assertThat(manager.initializeConnection().success()).isTrue();
            DataSource ds = manager.dataSource();
            assertThat(Jdbc.selectOne(ds)).isEqualTo(1);
            Thread.sleep(1_000); // idle, so HikariCP validates before lending

            server.kill();
            long killedAt = System.nanoTime();
            ConnectionPhase phaseAtFirstCall = manager.getConnectionStatus().phase();
            List<Thread> callers = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                int worker = i;
                long beginAt = killedAt + i * 10_000_000L;
                Thread t = new Thread(() -> {
                    long wait = beginAt - System.nanoTime();
                    if (wait > 0) {
                        try {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    log.time(worker, w -> Jdbc.selectOne(ds));
                }, "pgkeeper-test-caller-" + i);
                t.setDaemon(true);
                t.start();
                callers.add(t);
            }
            long joinUntil = killedAt + CONNECTION_TIMEOUT.plusSeconds(3).toNanos();
            for (Thread t : callers) {
                t.join(Math.max(1, (joinUntil - System.nanoTime()) / 1_000_000));
            }
            long unfinished = callers.stream().filter(Thread::isAlive).count();
            ConnectionPhase phaseAfterCalls = manager.getConnectionStatus().phase();

            server.start();
            long startedAt = System.nanoTime();
            long recoveredAt = 0;
            while (recoveredAt == 0 && System.nanoTime() - startedAt < Duration.ofSeconds(5).toNanos()) {
                try {
                    Jdbc.selectOne(ds);
                    recoveredAt = System.nanoTime();
                } catch (SQLException e) {
                    Thread.sleep(10);
                }
            }

            List<CallLog.Call> calls = log.all();
            String figures = String.format("phase when the calls began %s, after them %s; calls %s; each: %s; "
                            + "unfinished %d; first success %s after restart; events %s",
                    phaseAtFirstCall, phaseAfterCalls, CallLog.summary(calls),
                    calls.stream().map(c -> String.format("began %+.0f ms, took %.0f ms, %s", c.beganAtMillis(killedAt),
                            c.millis(), c.ok() ? "ok" : c.error())).toList(), unfinished,
                    recoveredAt == 0 ? "NONE within 5 s" : String.format("%.0f ms", (recoveredAt - startedAt) / 1e6),
                    LifecycleConfig.types(events));
            Figures.record(test, "%s", figures);

            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(unfinished).as("calls still waiting %d s after the crash [%s]",
                    CONNECTION_TIMEOUT.plusSeconds(3).toSeconds(), figures).isZero();
            soft.assertThat(CallLog.max(calls)).as("longest call begun after the crash, ms [%s]", figures)
                    .isLessThanOrEqualTo(CALL_LIMIT_MILLIS);
            soft.assertThat(phaseAfterCalls).as("the manager knows the server is down [%s]", figures)
                    .isEqualTo(ConnectionPhase.RECONNECTING);
            soft.assertThat(recoveredAt).as("a call succeeds within 5 s of the restart [%s]", figures).isNotZero();
            soft.assertAll();
        } finally {
            server.start();
        }
    }
}
