package dev.pgkeeper.internal.hosts;

import dev.pgkeeper.ConnectionPhase;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.internal.config.DriverSettings;
import dev.pgkeeper.internal.lifecycle.ConnectionState;
import dev.pgkeeper.internal.lifecycle.ManagedDataSource.ConnectionSource;
import dev.pgkeeper.internal.lifecycle.Session;
import dev.pgkeeper.internal.lifecycle.StateMachine;
import dev.pgkeeper.internal.pool.ManagedPool;
import dev.pgkeeper.internal.pool.WarmConnection;
import dev.pgkeeper.internal.url.ConnectionUrl.HostPort;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Sends read-only work to standbys. Every {@code DB_REPLICA_CHECK_INTERVAL} all candidate hosts (those of
 * {@code DATABASE_READ_URL}, else those of a several-host {@code DATABASE_URL}) are probed at once for their role
 * and replay lag; a reachable standby no further behind than {@code DB_MAX_REPLICA_LAG} takes reads, in turn with
 * the others, through a pool of its own opened at its first read. A standby whose connection fails at the
 * connection level, or whose pool has no connection in time, takes no reads until a check finds it healthy
 * again, and the read moves on to the next one. With no healthy standby, reads go to the primary through the
 * manager's own pool.
 *
 * <p>The pools and the checks belong to the manager's session and end with it. Thread-safe.
 */
public final class ReadRouter implements ConnectionSource {

    private static final Logger LOG = LogManager.getLogger(ReadRouter.class);
    /** Longest wait for a standby's pool before the read moves on, at most the caller's whole budget. */
    private static final long STANDBY_BORROW_MILLIS = 1_000;

    private final StateMachine machine;
    private final DatabaseConfig config;
    private final DriverSettings candidates;
    private final HostProbes probes;
    private final HostBoard board;
    private final ConnectionSource primary;
    private final AtomicLong generations = new AtomicLong();
    private volatile Reads reads;

    /** The state of one session: its pools and which standbys failed since the last check. */
    private static final class Reads {
        final Session session;
        final Map<HostPort, ManagedPool> pools = new ConcurrentHashMap<>();
        final Set<HostPort> failed = ConcurrentHashMap.newKeySet();
        final AtomicInteger turn = new AtomicInteger();

        Reads(Session session) {
            this.session = session;
        }
    }

    /**
     * @param candidates the hosts that may serve reads, or {@code null} when only the primary serves them
     * @param primary    the manager's own lender, for reads when no standby is healthy
     */
    public ReadRouter(StateMachine machine, DatabaseConfig config, DriverSettings candidates, HostBoard board,
                      ConnectionSource primary) {
        this.machine = machine;
        this.config = config;
        this.candidates = candidates;
        this.board = board;
        this.primary = primary;
        this.probes = candidates == null ? null : new HostProbes(candidates, board);
    }

    /** Starts the periodic checks of {@code session}, once; nothing when there are no candidates. */
    public synchronized void start(Session session) {
        if (probes == null || reads != null && reads.session == session) {
            return;
        }
        Reads r = new Reads(session);
        reads = r;
        long millis = config.replicaCheckInterval().toMillis();
        try {
            session.threads().scheduler().scheduleWithFixedDelay(() -> check(r), 0, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("Replica checks did not start: {} has ended", session);
        }
    }

    private void check(Reads r) {
        try {
            probes.survey(config.probeTimeout(), r.session.threads().hosts());
            r.failed.clear();
        } catch (RuntimeException e) {
            // Anything thrown out of a periodic task cancels every later run without a word.
            LOG.error("Unexpected failure while checking the standbys of {}", candidates.target().hosts(), e);
        }
    }

    /** Whether {@code host} takes reads now: a reachable standby within the lag bound that has not failed since. */
    public boolean servesReads(HostPort host) {
        Reads r = reads;
        HostBoard.Report report = board.get(host);
        return probes != null && r != null && probes.hosts().contains(host) && !r.failed.contains(host)
                && report != null && report.isStandbyWithin(config.maxReplicaLag().toMillis());
    }

    @Override
    public Connection borrow(long timeoutMillis) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Reads r = reads;
        ConnectionState s = machine.current();
        if (r != null && s.session() == r.session && s.phase() != ConnectionPhase.DISCONNECTED) {
            List<HostPort> healthy = new ArrayList<>();
            for (HostPort h : probes.hosts()) {
                if (servesReads(h)) {
                    healthy.add(h);
                }
            }
            int start = healthy.isEmpty() ? 0 : Math.floorMod(r.turn.getAndIncrement(), healthy.size());
            for (int i = 0; i < healthy.size(); i++) {
                HostPort host = healthy.get((start + i) % healthy.size());
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                try {
                    return readOnly(pool(r, host).borrow(Math.min(left, STANDBY_BORROW_MILLIS)));
                } catch (ManagedPool.ReleasedException e) {
                    // its pool was retired while this read waited: on to the next
                } catch (SQLException e) {
                    if (r.failed.add(host)) {
                        LOG.warn("Standby {} takes no reads until its next check: {}", host, e.getMessage());
                    }
                }
            }
        }
        long left = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        return readOnly(primary.borrow(left));
    }

    private static Connection readOnly(Connection c) throws SQLException {
        try {
            c.setReadOnly(true);
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private ManagedPool pool(Reads r, HostPort host) {
        return r.pools.computeIfAbsent(host, h -> {
            long generation = generations.incrementAndGet();
            AtomicReference<ManagedPool> self = new AtomicReference<>(); // the pool's failures name the pool
            ManagedPool p = ManagedPool.start(config, candidates.forHostAnyRole(h),
                    "pgkeeper-" + config.name() + "-read-" + generation, generation,
                    () -> standbyFailed(r, h, self.get()), WarmConnection.none(), false);
            self.set(p);
            r.session.adopt(p);
            return p;
        });
    }

    /**
     * A connection of {@code pool} failed at the connection level, or the pool could not open one: the standby
     * takes no reads until its next check, and its pool is retired, so reads waiting in it move on at once
     * instead of waiting out their timeout. Called on application and HikariCP threads.
     */
    private void standbyFailed(Reads r, HostPort host, ManagedPool pool) {
        if (r.failed.add(host)) {
            LOG.warn("Standby {} takes no reads until its next check: a connection to it failed", host);
        }
        if (pool != null && r.pools.remove(host, pool)) {
            r.session.retireAdopted(pool);
        }
    }
}
