package dev.pgkeeper.internal.lifecycle;

import dev.pgkeeper.ConnectionEvent;
import dev.pgkeeper.ConnectionPhase;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.PoolStats;
import dev.pgkeeper.internal.errors.ConnectionTarget;
import dev.pgkeeper.internal.config.DriverSettings;
import dev.pgkeeper.internal.hosts.HostBoard;
import dev.pgkeeper.internal.hosts.HostProbes;
import dev.pgkeeper.internal.url.ConnectionUrl.HostPort;
import dev.pgkeeper.internal.lifecycle.StateMachine.EventDetails;
import dev.pgkeeper.internal.lifecycle.StateMachine.Transition;
import dev.pgkeeper.internal.pool.ManagedPool;
import dev.pgkeeper.internal.pool.PoolMetrics;
import dev.pgkeeper.internal.pool.ProbeResult;
import dev.pgkeeper.internal.pool.Prober;
import dev.pgkeeper.internal.pool.WarmConnection;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Finds out whether the server is there, one probe at a time, and acts on the answer. Every probe of a
 * session runs on the session's single probe thread, and a request that finds a probe in flight joins it
 * instead of starting another, so a silent server ties up one thread and one connection attempt however many
 * calls arrive. The probe's outcome is applied on the probe thread, before anyone who waits for it wakes:
 * <ul>
 *   <li>an answer while the manager awaits a connection installs a new pool, whose first connection is the
 *       probe's own (no second login);</li>
 *   <li>an answer while connected from the same server with a new start time means it restarted: the pool's
 *       connections are evicted (idle ones closed now, lent ones when they come back; none aborted). An answer
 *       from another server behind the same address changes nothing;</li>
 *   <li>with several hosts and a primary required, every probe asks all hosts at once for their role
 *       ({@link HostProbes}); while connected, a primary on another host than the pool's means a switchover or
 *       failover: a pool for the new primary is installed and the old one retired at once
 *       ({@code PRIMARY_CHANGED});</li>
 *   <li>no answer while connected, after a pooled connection failed (or when the pool cannot serve either),
 *       means the connection is lost: RECONNECTING, and the pool is retired, which releases the threads
 *       waiting in it at once;</li>
 *   <li>a permanent failure while connected (the server refuses the login: a changed password, a pg_hba.conf rule;
 *       the database is gone; any other permanent error alike) makes the manager FAILED at once: the pool is retired and
 *       calls fail fast with that error instead of waiting for logins that cannot succeed;</li>
 *   <li>no answer while down counts a failed attempt; a permanent failure makes the manager FAILED.</li>
 * </ul>
 * After a refused login, calls try again only when the password file holds another password than the refused one,
 * or at the gentle pace of {@link ProbeSchedule#afterRefusedLogin} ({@link #awaitNewCredentials}).
 * Requests come from the retry schedule, the periodic {@link #tick}, pooled connections that failed
 * ({@link #suspect}), calls that arrive while the server is down ({@link #awaitRecovery}) and
 * {@code reconnect()} ({@link #replacePool}).
 *
 * <p>Thread-safe.
 */
public final class Watcher {

    private static final Logger LOG = LogManager.getLogger(Watcher.class);
    /** Upper bound of the pool check that confirms a failed liveness probe. */
    private static final long POOL_CHECK_MILLIS = 500;
    private static final long MIN_JOIN_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_JOIN_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** After an outage, a new pool opens its other idle connections at a random moment within this time. */
    static final long FILL_SPREAD_MILLIS = 5_000;

    private final StateMachine machine;
    private final DatabaseConfig config;
    private final DriverSettings driver;
    private final ConnectionTarget target;
    private final Prober prober;
    /** With several hosts and a primary required: probes them all at once to find the primary; else {@code null}. */
    private final HostProbes hosts;
    private final HostBoard board;
    private final PoolMetrics metrics;
    private final AtomicLong generations = new AtomicLong();
    /** When calls may try a login again after the server refused one. */
    private final ProbeSchedule refusedLogins;
    /** How long the last successful probe took, login included; how long a call waits for a fresh probe. */
    private volatile long loginNanos = TimeUnit.MILLISECONDS.toNanos(25);

    /**
     * Watches the server {@code driver} connects to, for the manager whose state {@code machine} holds; with
     * several hosts and a primary required, whichever host is the primary. What probes learn about each host
     * goes to {@code board}; every pool it installs reports to {@code metrics}.
     */
    public Watcher(StateMachine machine, DatabaseConfig config, DriverSettings driver, HostBoard board,
                   PoolMetrics metrics) {
        this.machine = machine;
        this.metrics = metrics;
        this.config = config;
        this.driver = driver;
        this.target = driver.target();
        this.prober = new Prober(driver);
        this.refusedLogins = ProbeSchedule.afterRefusedLogin(config);
        this.board = board;
        this.hosts = driver.followsPrimary() ? new HostProbes(driver, board) : null;
        if (hosts == null && driver.singleHostOrNull() != null) {
            board.register(List.of(driver.singleHostOrNull()));
        }
    }

    /** What a probe ended with: {@code error} is {@code null} when the server answered. */
    public record Outcome(DatabaseError error) {
        /** Whether the server answered. */
        public boolean answered() {
            return error == null;
        }
    }

    /**
     * Starts a probe bounded by {@code bound} on the session's probe thread, or joins the one in flight.
     *
     * @return completes once the outcome has been applied; never exceptionally
     */
    CompletableFuture<Outcome> probe(Session session, Duration bound, Probe.Request request) {
        return startOrJoin(session, bound, request).done;
    }

    private Probe startOrJoin(Session session, Duration bound, Probe.Request request) {
        while (true) {
            Probe current = session.probe.get();
            if (current != null && !current.done.isDone() && current.join(request)) {
                return current;
            }
            Probe mine = new Probe(session);
            mine.join(request);
            if (session.probe.compareAndSet(current, mine)) {
                try {
                    session.threads().probe().execute(() -> run(mine, bound));
                } catch (RejectedExecutionException e) {
                    mine.done.complete(new Outcome(sessionEnded()));
                }
                return mine;
            }
        }
    }

    /**
     * Starts the session's periodic loop, once: every {@code DB_RECONNECT_INTERVAL}, a liveness probe while
     * connected and a reconnect attempt while down ({@link #tick}), until the session ends.
     */
    public void startLoop(Session session) {
        if (!session.loopStarted.compareAndSet(false, true)) {
            return;
        }
        long millis = config.reconnectInterval().toMillis();
        Runnable guarded = () -> {
            try {
                tick(session);
            } catch (RuntimeException | LinkageError | AssertionError e) {
                // Anything thrown out of a periodic task cancels every later run without a word.
                LOG.error("Unexpected failure in pgkeeper's reconnect loop for {}", target.hosts(), e);
            }
        };
        try {
            session.threads().scheduler().scheduleWithFixedDelay(guarded, millis, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("The reconnect loop did not start: {} has ended", session);
        }
    }

    /** Runs a liveness probe now and returns once its outcome has been applied; for tests. */
    public void verifyNow(Session session) {
        probe(session, config.probeTimeout(), Probe.Request.PLAIN).join();
    }

    /** Runs the checks of the periodic loop: liveness while connected, a reconnect attempt while down. */
    public void tick(Session session) {
        ConnectionState s = machine.current();
        if (s.session() != session) {
            return;
        }
        if (s.phase() == ConnectionPhase.CONNECTED) {
            probe(session, config.probeTimeout(), Probe.Request.PLAIN);
        } else if (s.phase() == ConnectionPhase.RECONNECTING || s.phase() == ConnectionPhase.FAILED) {
            probe(session, config.connectionTimeout(), new Probe.Request(false, false, false, true));
        }
    }

    /**
     * A pooled connection of pool {@code generation} failed at the connection level, or the pool could not
     * open one: a probe that goes unanswered confirms the loss. Called on application and HikariCP threads,
     * possibly many at once: it only requests a probe.
     */
    public void suspect(long generation) {
        request(generation, new Probe.Request(true, false, false, false));
    }

    /**
     * A call got no connection from pool {@code generation} in time: a liveness probe now, whose failure counts
     * only if the pool shows no progress either. At most one such probe per {@code DB_PROBE_TIMEOUT}, so an
     * exhausted pool (often a busy server) does not add a login per timed-out call. Cheap; called on
     * application threads.
     */
    public void check(long generation) {
        ConnectionState s = machine.current();
        if (s.phase() != ConnectionPhase.CONNECTED) {
            return;
        }
        long now = System.nanoTime();
        long last = s.session().lastPoolCheck.get();
        if (now - last >= config.probeTimeout().toNanos() && s.session().lastPoolCheck.compareAndSet(last, now)) {
            request(generation, Probe.Request.PLAIN);
        }
    }

    private void request(long generation, Probe.Request request) {
        ConnectionState s = machine.current();
        if (s.phase() == ConnectionPhase.CONNECTED && s.generation() == generation) {
            probe(s.session(), config.probeTimeout(), request);
        }
    }

    /**
     * For a call that arrived while the server is down ({@code s}): joins the probe in flight, or starts one if
     * the session's {@link ProbeSchedule} says one is due, and waits for it no longer than a login to this
     * server has been taking (four times the last successful probe, between 10 and 250 ms), nor past
     * {@code deadlineNanos}. A probe that has not answered by then is taken for a silent server, and the call
     * fails fast instead of waiting it out.
     *
     * @return whether the manager is connected now
     */
    boolean awaitRecovery(ConnectionState s, long deadlineNanos) {
        Session session = s.session();
        Probe.Request request = new Probe.Request(false, false, true, false);
        Probe current = session.probe.get();
        boolean inFlight = current != null && !current.done.isDone();
        if (!inFlight && !session.schedule.claim(System.nanoTime())) {
            return false;
        }
        return joinAndWait(session, request, deadlineNanos);
    }

    /**
     * For a call that arrived while the manager is FAILED ({@code s}) because the server refused a login: starts a
     * probe (or joins the one in flight) when trying again could help, that is when the password file now holds
     * another password than the refused one (its attributes are looked at by every such call), or when
     * {@link ProbeSchedule#afterRefusedLogin} says one is due (1 s after the refusal, then doubling up to
     * {@code DB_RECONNECT_INTERVAL}), and waits for it as {@link #awaitRecovery} does. Other permanent failures
     * wait for the reconnect loop.
     *
     * @return whether the manager is connected now
     */
    boolean awaitNewCredentials(ConnectionState s, long deadlineNanos) {
        DatabaseError last = s.lastError();
        if (last == null || last.code() != ErrorCode.AUTH_FAILED) {
            return false;
        }
        Session session = s.session();
        Probe current = session.probe.get();
        boolean inFlight = current != null && !current.done.isDone();
        if (!inFlight && !driver.credentials().changedSinceRefused() && !refusedLogins.claimAfterAGap(System.nanoTime())) {
            return false;
        }
        return joinAndWait(session, new Probe.Request(false, false, true, false), deadlineNanos);
    }

    private boolean joinAndWait(Session session, Probe.Request request, long deadlineNanos) {
        Probe probe = startOrJoin(session, config.probeTimeout(), request);
        long joinWindow = Math.max(MIN_JOIN_NANOS, Math.min(MAX_JOIN_NANOS, 4 * loginNanos));
        long waitNanos = Math.min(deadlineNanos, probe.startedAt + joinWindow) - System.nanoTime();
        if (waitNanos > 0) {
            try {
                probe.done.get(waitNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException | TimeoutException e) {
                return false;
            }
        }
        return machine.current().phase() == ConnectionPhase.CONNECTED;
    }

    /**
     * Probes and installs a new pool even when connected ({@code reconnect()}), waiting at most {@code bound}.
     *
     * @return the failure, or {@code null} when a new pool serves now
     */
    public DatabaseError replacePool(Session session, Duration bound) {
        long before = machine.current().generation();
        CompletableFuture<Outcome> done = probe(session, bound, new Probe.Request(false, true, false, false));
        try {
            Outcome outcome = done.get(bound.toMillis() + POOL_CHECK_MILLIS, TimeUnit.MILLISECONDS);
            if (!outcome.answered()) {
                return outcome.error();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DatabaseError(ErrorCode.UNKNOWN_ERROR, "Interrupted while reconnecting to " + target.hosts());
        } catch (ExecutionException | TimeoutException e) {
            return new DatabaseError(ErrorCode.NETWORK_ERROR, "No answer from " + target.hosts() + " within "
                    + bound.toMillis() + " ms while reconnecting");
        }
        ConnectionState now = machine.current();
        return now.phase() == ConnectionPhase.CONNECTED && now.generation() != before ? null : sessionEnded();
    }

    // ---------------------------------------------------------------------------------------------
    // On the probe thread

    private void run(Probe p, Duration bound) {
        ProbeResult result = null;
        DatabaseError error = null;
        try {
            result = hosts != null ? hosts.findPrimary(bound, p.session.threads().hosts()) : probeOneServer(bound);
        } catch (DatabaseError e) {
            error = e;
        }
        Probe.Request request = p.seal();
        try {
            if (result != null) {
                answered(p.session, result, request);
            } else {
                failed(p.session, error, request, p.startedAt);
            }
        } catch (RuntimeException e) {
            LOG.error("Unexpected failure while acting on a probe of {}", target.hosts(), e);
        } finally {
            p.done.complete(new Outcome(error));
        }
    }

    private ProbeResult probeOneServer(Duration bound) {
        HostPort host = driver.singleHostOrNull();
        try {
            // While down, a login the server has taken may run as long as any connection attempt: when a fleet of
            // instances comes back at once their logins queue behind the postmaster, and a probe that gave up at
            // the probe timeout would leave the server a backend to start for nobody, then queue again.
            Duration read = machine.current().awaitsConnection() && config.connectionTimeout().compareTo(bound) > 0
                    ? config.connectionTimeout() : bound;
            ProbeResult result = prober.probe(bound, read);
            if (host != null) {
                board.answered(host, result);
            }
            return result;
        } catch (DatabaseError e) {
            if (host != null) {
                board.failed(host, e);
            }
            throw e;
        }
    }

    private void answered(Session session, ProbeResult result, Probe.Request request) {
        loginNanos = result.latencyNanos();
        boolean handedOver = false;
        try {
            ConnectionState s = machine.current();
            if (s.session() != session) {
                return;
            }
            if (s.awaitsConnection() || request.replacePool()) {
                session.schedule.connected();
                refusedLogins.connected();
                handedOver = install(session, result, request.handOver());
            } else if (hosts != null && s.phase() == ConnectionPhase.CONNECTED && !s.server().sameServerAs(result.server())) {
                handedOver = install(session, result, true); // a switchover or failover: follow the primary now
            } else if (s.phase() == ConnectionPhase.CONNECTED && s.server().restartedAs(result.server())) {
                restarted(s, result);
            }
        } finally {
            if (!handedOver) {
                result.close();
            }
        }
    }

    /**
     * Builds a pool for the server that just answered and installs it; never blocks on the network.
     *
     * @return whether the probe's connection now belongs to the new pool (which closes it if it never uses it)
     */
    private boolean install(Session session, ProbeResult result, boolean handOver) {
        long generation = generations.incrementAndGet();
        // The probe's connection becomes the new pool's first, so the first call after an outage does not wait
        // for another login. A pool that keeps no idle connection takes it only when a call waits to borrow.
        boolean give = handOver || config.poolMinIdle() > 0;
        WarmConnection first = give ? result.connection() : WarmConnection.none();
        DriverSettings poolDriver = hosts != null ? driver.forHost(result.host()) : driver;
        ManagedPool pool = ManagedPool.start(config, poolDriver, "pgkeeper-" + config.name() + "-" + generation,
                generation, () -> suspect(generation), first, hosts != null, metrics);
        ConnectionPhase was = machine.current().phase();
        boolean afterOutage = was == ConnectionPhase.RECONNECTING || was == ConnectionPhase.FAILED;
        if (afterOutage && config.poolMinIdle() > 1) {
            // Before HikariCP's first refill (100 ms after the start): the probe's connection serves alone for now.
            pool.keepIdle(1);
        }
        Transition t = machine.apply(s -> s.session() == session && !s.isIdle()
                        ? s.connected(pool, result.server(), machine.clock().instant()) : null,
                (b, a) -> hosts != null && b.phase() == ConnectionPhase.CONNECTED && !b.server().sameServerAs(a.server())
                        ? ConnectionEvent.Type.PRIMARY_CHANGED : ConnectionEvent.Type.CONNECTED, EventDetails.NONE);
        if (t == null) {
            session.closeInBackground(pool); // disconnected meanwhile; the pool closes the probe's connection too
            return give;
        }
        if (t.before().pool() != null) {
            session.retirement().retire(t.before().pool());
        }
        if (t.before().phase() == ConnectionPhase.CONNECTED && hosts != null) {
            LOG.warn("The primary of {} is now {} ({}); pool {} serves, pool {} to {} was retired", target.hosts(),
                    result.host(), result.server(), pool.name(), t.before().pool().name(), t.before().server());
        } else {
            LOG.info("Connected to {} through pool {} ({})", hosts != null ? target.sanitizedUrl() + " at " + result.host()
                    : target.sanitizedUrl(), pool.name(), result.server());
        }
        session.stopRetries(); // the retry schedule may be waiting between attempts: it reports this success
        if (afterOutage && config.poolMinIdle() > 1) {
            fillLater(session, pool);
        }
        return give;
    }

    /**
     * After an outage every instance of a service reconnects within the same few hundred milliseconds; if each then
     * opened all its idle connections at once, the server would take a burst of logins (a process each) just when
     * it is busiest. The pool keeps only the probe's connection until a random moment within
     * {@link #FILL_SPREAD_MILLIS}, then HikariCP's adder opens the rest one at a time. Calls never wait for this:
     * a call that finds no idle connection gets one opened for it as before.
     */
    private void fillLater(Session session, ManagedPool pool) {
        long delay = ThreadLocalRandom.current().nextLong(FILL_SPREAD_MILLIS + 1);
        try {
            session.threads().scheduler().schedule(() -> pool.keepIdle(config.poolMinIdle()), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("The pool fill of {} did not start: {} has ended", pool.name(), session);
        }
    }

    private void restarted(ConnectionState s, ProbeResult result) {
        if (machine.apply(now -> now == s ? now.restarted(result.server()) : null,
                (b, a) -> ConnectionEvent.Type.SERVER_RESTARTED, EventDetails.NONE) != null) {
            LOG.warn("PostgreSQL at {} restarted (was {}, now {}); pool {} drops the connections it had",
                    target.hosts(), s.server(), result.server(), s.pool().name());
            s.pool().evictConnections();
        }
    }

    private void failed(Session session, DatabaseError error, Probe.Request request, long startedAt) {
        ConnectionState s = machine.current();
        if (s.session() != session) {
            return;
        }
        if (error.code() == ErrorCode.AUTH_FAILED) {
            refusedLogins.failed(startedAt, System.nanoTime(), false);
        }
        if (s.phase() == ConnectionPhase.CONNECTED) {
            failedWhileConnected(s, error, request, startedAt);
        } else if (s.phase() == ConnectionPhase.CONNECTING) {
            // The retry schedule decides what a failed first connection means.
            session.schedule.failed(startedAt, System.nanoTime(), error);
            machine.applyQuietly(now -> now.is(session, ConnectionPhase.CONNECTING) ? now.attemptFailed(error) : null);
        } else if (s.phase() == ConnectionPhase.RECONNECTING || s.phase() == ConnectionPhase.FAILED) {
            failedWhileDown(session, error, request, startedAt);
        }
    }

    /**
     * A permanent failure (a refused login, above all) makes the manager FAILED. Unreachable means the connection
     * is lost; but when only the periodic probe failed and no pooled connection did, the pool gets the last word,
     * so one slow login does not turn a working (or merely busy) pool into an outage. Any other temporary failure
     * keeps the pool.
     */
    private void failedWhileConnected(ConnectionState s, DatabaseError error, Probe.Request request, long startedAt) {
        if (!error.isTemporary()) {
            refusedWhileConnected(s, error, startedAt);
            return;
        }
        boolean unreachable = error.code() == ErrorCode.NETWORK_ERROR || error.code() == ErrorCode.DNS_ERROR;
        if (!unreachable) {
            LOG.warn("Liveness probe of {} failed, pool kept: {} [{}]", target.hosts(), error.getMessage(), error.code());
            return;
        }
        if (!request.failureSeen() && poolMayStillServe(s.pool(), startedAt)) {
            LOG.warn("Liveness probe of {} failed but the pool may still serve; kept: {} [{}]", target.hosts(),
                    error.getMessage(), error.code());
            return;
        }
        Transition t = machine.apply(now -> now == s ? now.down(error).attemptFailed(error) : null,
                (b, a) -> ConnectionEvent.Type.CONNECTION_LOST, EventDetails.NONE);
        if (t != null) {
            s.session().schedule.failed(startedAt, System.nanoTime(), error);
            s.session().retirement().retire(s.pool());
            LOG.warn("Lost the connection to {}: {} [{}]; calls fail fast until a probe gets through, "
                            + "and the reconnect loop tries every {} ms", target.hosts(), error.getMessage(), error.code(),
                    config.reconnectInterval().toMillis());
        }
    }

    /**
     * A login that cannot succeed as things are (the password was changed on the server, a pg_hba.conf rule, the
     * database dropped; any other permanent error alike): the pool is retired, although connections it lent
     * may still work, because every new connection it opens would be refused and every call that waits for one
     * would wait the whole connection timeout. Calls fail fast with the error until a login succeeds.
     */
    private void refusedWhileConnected(ConnectionState s, DatabaseError error, long startedAt) {
        Transition t = machine.apply(now -> now == s ? now.down(error).attemptFailed(error) : null,
                (b, a) -> ConnectionEvent.Type.FAILED, EventDetails.retryAfter(config.reconnectInterval()));
        if (t == null) {
            return;
        }
        s.session().schedule.failed(startedAt, System.nanoTime(), error);
        s.session().retirement().retire(s.pool());
        LOG.error("{} refused a new connection while connected: {} [{}]; pool {} was retired and calls fail fast."
                        + " {} Steps: {}", target.hosts(), error.getMessage(), error.code(), s.pool().name(),
                error.code() == ErrorCode.AUTH_FAILED
                        ? "A login is tried again when the password file changes, else after 1 s, doubling up to "
                                + config.reconnectInterval().toMillis() + " ms."
                        : "The reconnect loop tries every " + config.reconnectInterval().toMillis() + " ms.",
                String.join(" | ", error.troubleshootingSteps()));
    }

    /**
     * RECONNECTING after a temporary failure, FAILED after a permanent one (calls stop probing, so a wrong
     * password is not tried at the rate calls arrive). A phase change is always announced; a failure that
     * changes nothing only when the periodic loop made the attempt.
     */
    private void failedWhileDown(Session session, DatabaseError error, Probe.Request request, long startedAt) {
        Transition t = machine.apply(
                now -> now.session() == session && (now.phase() == ConnectionPhase.RECONNECTING
                        || now.phase() == ConnectionPhase.FAILED) ? now.down(error).attemptFailed(error) : null,
                (b, a) -> a.phase() == ConnectionPhase.FAILED && b.phase() != ConnectionPhase.FAILED
                        ? ConnectionEvent.Type.FAILED
                        : request.fromLoop() || a.phase() != b.phase() ? ConnectionEvent.Type.RETRYING : null,
                EventDetails.retryAfter(config.reconnectInterval()));
        if (t == null) {
            return;
        }
        session.schedule.failed(startedAt, System.nanoTime(), error);
        if (t.after().phase() == ConnectionPhase.FAILED && t.before().phase() != ConnectionPhase.FAILED) {
            logPermanentFailure(error);
        } else if (request.fromLoop()) {
            LOG.warn("Reconnect attempt {} to {} failed: {} [{}]; next in {} ms", t.after().retryCount(),
                    target.hosts(), error.getMessage(), error.code(), config.reconnectInterval().toMillis());
        } else {
            LOG.debug("Probe of {} failed: {}", target.hosts(), error.getMessage());
        }
    }

    /**
     * Whether the pool gives evidence against an outage: it lent a connection since the probe started (its
     * connections come back, so the network carries its traffic, if slowly: a login over a slow link can
     * outlast the probe), a pooled connection that validates, or all its connections busy while nobody else
     * waits for one (inconclusive, so the pool is kept). A dead connection, none to be had from an idle pool,
     * or callers waiting in vain while every connection is busy and none came back (they may all hang on a
     * silent network) confirm the failed probe.
     */
    private boolean poolMayStillServe(ManagedPool pool, long probeStartedAt) {
        if (pool.lentSince(probeStartedAt)) {
            return true;
        }
        PoolStats stats = pool.stats();
        if (stats.waiting() > 0 && stats.active() >= stats.max()) {
            return false; // callers already wait in vain for a pool that lent nothing: no need to queue behind them
        }
        long timeout = Math.min(POOL_CHECK_MILLIS, config.probeTimeout().toMillis())
                + ManagedPool.validationTimeoutMillis(config);
        try (Connection c = pool.borrow(timeout)) {
            return c.isValid((int) Math.max(1, (config.probeTimeout().toMillis() + 999) / 1000));
        } catch (SQLException e) {
            return pool.stats().active() > 0 && pool.stats().waiting() == 0;
        }
    }

    void logPermanentFailure(DatabaseError error) {
        LOG.error("Could not connect to {}: {} [{}], not retried. Steps: {}", target.hosts(), error.getMessage(),
                error.code(), String.join(" | ", error.troubleshootingSteps()));
    }

    private DatabaseError sessionEnded() {
        return new DatabaseError(ErrorCode.NOT_INITIALIZED, "The connection manager for " + target.hosts()
                + " was disconnected meanwhile; call initializeConnection() to connect again");
    }
}
