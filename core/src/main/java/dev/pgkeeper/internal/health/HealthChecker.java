package dev.pgkeeper.internal.health;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.DatabaseHealthResult;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.HealthStatus;
import dev.pgkeeper.PoolStats;
import dev.pgkeeper.internal.errors.ConnectionTarget;
import dev.pgkeeper.internal.errors.ErrorClassifier;
import dev.pgkeeper.internal.lifecycle.ManagedDataSource;
import dev.pgkeeper.ServerRole;
import dev.pgkeeper.internal.errors.ConnectionTarget;
import dev.pgkeeper.internal.errors.ErrorClassifier;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Checks the database the way the application uses it: a connection borrowed like any other (so an outage
 * the manager knows about answers at once, and an exhausted pool shows as POOL_EXHAUSTED), one query,
 * round-trip time measured, the whole check bounded by a timeout so a health endpoint never hangs.
 * Concurrent callers share the check in flight, so a hanging server ties up at most one thread however
 * often the endpoint is polled.
 *
 * <p>Thread-safe.
 */
public final class HealthChecker {

    private static final String QUERY = "SELECT pg_is_in_recovery(), current_setting('server_version')";

    private final ManagedDataSource.ConnectionSource connections;
    private final Duration timeout;
    private final Supplier<PoolStats> poolStats;
    private final ConnectionTarget target;
    private final Clock clock;
    private final AtomicReference<InFlight> inFlight = new AtomicReference<>();

    /** A check running on an executor; a check queued on an executor that was shut down never completes. */
    private record InFlight(ExecutorService executor, CompletableFuture<DatabaseHealthResult> result) {
        boolean canBeJoinedOn(ExecutorService current) {
            return executor == current && !result.isDone();
        }
    }

    /**
     * @param connections lends connections as the application's DataSource does, with a timeout
     * @param timeout     bound of the whole check
     * @param poolStats   the pool's numbers, for the result
     * @param target      where the manager connects, for messages
     * @param clock       stamps results
     */
    public HealthChecker(ManagedDataSource.ConnectionSource connections, Duration timeout, Supplier<PoolStats> poolStats,
                         ConnectionTarget target, Clock clock) {
        this.connections = connections;
        this.timeout = timeout;
        this.poolStats = poolStats;
        this.target = target;
        this.clock = clock;
    }

    /**
     * Runs a check on {@code executor}, or joins the one already running, and waits at most the timeout.
     * Never throws; restores the interrupt status if interrupted.
     */
    public DatabaseHealthResult check(ExecutorService executor) {
        Instant checkedAt = clock.instant();
        InFlight current = inFlight.get();
        if (current == null || !current.canBeJoinedOn(executor)) {
            InFlight mine = new InFlight(executor, new CompletableFuture<>());
            if (inFlight.compareAndSet(current, mine)) {
                try {
                    executor.execute(() -> mine.result().complete(runCheck(checkedAt)));
                } catch (RejectedExecutionException e) {
                    mine.result().complete(down(checkedAt, new DatabaseError(ErrorCode.NOT_INITIALIZED,
                            "The connection manager is shutting down; no health check was run")));
                }
            }
            current = inFlight.get();
        }
        CompletableFuture<DatabaseHealthResult> check = current.result();
        try {
            return check.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return down(checkedAt, new DatabaseError(ErrorCode.NETWORK_ERROR, "The health check got no answer from "
                    + target.hosts() + " within " + timeout.toMillis()
                    + " ms: the server, the network or the pool is too slow"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down(checkedAt, new DatabaseError(ErrorCode.UNKNOWN_ERROR, "Interrupted during the health check"));
        } catch (ExecutionException e) {
            return down(checkedAt, ErrorClassifier.classify(e.getCause(), target));
        }
    }

    /** A DOWN result that did no I/O, for a manager that knows it cannot check. */
    public DatabaseHealthResult down(Instant checkedAt, DatabaseError error) {
        return new DatabaseHealthResult(HealthStatus.DOWN, checkedAt, -1, poolStats.get(), null, ServerRole.UNKNOWN,
                error.code(), error.getMessage());
    }

    private DatabaseHealthResult runCheck(Instant checkedAt) {
        long deadline = System.nanoTime() + timeout.toNanos();
        // Half the budget to get a connection, so an exhausted pool reports itself before the overall bound.
        try (Connection c = connections.borrow(Math.max(1, timeout.toMillis() / 2))) {
            c.setNetworkTimeout(Runnable::run,
                    (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            long start = System.nanoTime();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(QUERY)) {
                rs.next();
                long latencyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                ServerRole role = rs.getBoolean(1) ? ServerRole.STANDBY : ServerRole.PRIMARY;
                return new DatabaseHealthResult(HealthStatus.UP, checkedAt, latencyMillis, poolStats.get(),
                        rs.getString(2), role, null, null);
            }
        } catch (SQLException | RuntimeException e) {
            return down(checkedAt, ErrorClassifier.classify(e, target));
        }
    }
}
