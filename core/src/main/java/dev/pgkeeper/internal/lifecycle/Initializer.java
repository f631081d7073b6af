package dev.pgkeeper.internal.lifecycle;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.spi.Scheduler;
import dev.pgkeeper.ConnectionEvent;
import dev.pgkeeper.ConnectionPhase;
import dev.pgkeeper.ConnectionResult;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.internal.errors.ConnectionTarget;
import dev.pgkeeper.internal.errors.ErrorClassifier;
import dev.pgkeeper.internal.lifecycle.StateMachine.EventDetails;
import dev.pgkeeper.internal.lifecycle.StateMachine.Transition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The retry schedule of {@code initializeConnection()}: attempts (each one a probe through the
 * {@link Watcher}, which installs the pool when the server answers), temporary failures retried
 * {@code DB_MAX_RETRIES} times with the delay before retry <i>i</i> being {@code DB_RETRY_BASE_DELAY * 2^(i-1)},
 * permanent ones not at all. Concurrent callers share one schedule. When the schedule ends without a
 * connection the manager is RECONNECTING (the periodic loop and calls go on trying) or FAILED.
 *
 * <p>Thread-safe.
 */
public final class Initializer {

    private static final Logger LOG = LogManager.getLogger(Initializer.class);

    /** One retry schedule and the result its callers share. */
    static final class Run {
        final CompletableFuture<ConnectionResult> result = new CompletableFuture<>();
        volatile CompletableFuture<ConnectionState> retries;
    }

    private final StateMachine machine;
    private final Watcher watcher;
    private final DatabaseConfig config;
    private final ConnectionTarget target;
    private final Scheduler schedulerOverride;

    /** @param schedulerOverride runs the schedule instead of the session's scheduler (tests), or {@code null} */
    public Initializer(StateMachine machine, Watcher watcher, DatabaseConfig config, ConnectionTarget target,
                       Scheduler schedulerOverride) {
        this.machine = machine;
        this.watcher = watcher;
        this.config = config;
        this.target = target;
        this.schedulerOverride = schedulerOverride;
    }

    /**
     * Starts a retry schedule in {@code session}, or returns the one under way.
     *
     * @return completes with the outcome, never exceptionally
     */
    public CompletableFuture<ConnectionResult> start(Session session) {
        Run run;
        synchronized (session) {
            Run current = session.initialization.get();
            if (current != null && !current.result.isDone()) {
                return current.result;
            }
            // Back to CONNECTING for a new schedule after the last one ended without a connection.
            machine.applyQuietly(now -> now.session() == session
                    && (now.phase() == ConnectionPhase.RECONNECTING || now.phase() == ConnectionPhase.FAILED)
                    ? now.connecting(session) : null);
            ConnectionState s = machine.current();
            if (s.is(session, ConnectionPhase.CONNECTED)) {
                return CompletableFuture.completedFuture(ConnectionResult.connected(0, Duration.ZERO));
            }
            if (s.session() != session || s.isIdle()) {
                return CompletableFuture.completedFuture(ConnectionResult.failed(0, Duration.ZERO,
                        Lender.disconnectedError(config.name())));
            }
            run = new Run();
            session.initialization.set(run);
        }
        AtomicInteger attempts = new AtomicInteger();
        long start = System.nanoTime();
        RetryPolicy<ConnectionState> retries = RetryPolicy.<ConnectionState>builder()
                .handleIf(e -> unwrap(e) instanceof DatabaseError d && d.isTemporary())
                .withMaxRetries(config.maxRetries())
                .withDelayFn(ctx -> Backoff.delayBeforeRetry(config.retryBaseDelay(), ctx.getAttemptCount()))
                .onRetryScheduled(e -> retryScheduled(session, (DatabaseError) unwrap(e.getLastException()), e.getDelay()))
                .build();
        Scheduler scheduler = schedulerOverride != null ? schedulerOverride : Scheduler.of(session.threads().scheduler());
        LOG.info("Connecting to {} (up to {} retries)", target.sanitizedUrl(), config.maxRetries());
        CompletableFuture<ConnectionState> schedule;
        try {
            schedule = Failsafe.with(retries).with(scheduler).getStageAsync(() -> attempt(session, attempts));
        } catch (RejectedExecutionException e) {
            schedule = CompletableFuture.failedFuture(Lender.disconnectedError(config.name())); // ended meanwhile
        }
        run.retries = schedule;
        schedule.whenComplete((s, error) -> finish(run, session, attempts.get(), since(start), error));
        return run.result;
    }

    /**
     * The longest {@code initializeConnection()} can take with this configuration: every attempt bounded by
     * the connection timeout, plus every delay between them, plus one connection timeout of slack.
     */
    public Duration worstCase() {
        long millis = config.connectionTimeout().toMillis() * (config.maxRetries() + 2L);
        for (int i = 1; i <= config.maxRetries() && millis < Long.MAX_VALUE / 4; i++) {
            try {
                millis = Math.addExact(millis, Backoff.delayBeforeRetry(config.retryBaseDelay(), i).toMillis());
            } catch (ArithmeticException e) {
                return Duration.ofMillis(Long.MAX_VALUE / 4);
            }
        }
        return Duration.ofMillis(Math.min(millis, Long.MAX_VALUE / 4));
    }

    private CompletableFuture<ConnectionState> attempt(Session session, AtomicInteger attempts) {
        attempts.incrementAndGet();
        ConnectionState s = machine.current();
        if (s.session() != session || s.isIdle()) {
            return CompletableFuture.failedFuture(Lender.disconnectedError(config.name()));
        }
        if (s.phase() == ConnectionPhase.CONNECTED) {
            return CompletableFuture.completedFuture(s);
        }
        return watcher.probe(session, config.connectionTimeout(), Probe.Request.PLAIN).thenCompose(outcome -> {
            if (!outcome.answered()) {
                return CompletableFuture.failedFuture(outcome.error());
            }
            ConnectionState now = machine.current();
            return now.is(session, ConnectionPhase.CONNECTED) ? CompletableFuture.completedFuture(now)
                    : CompletableFuture.failedFuture(Lender.disconnectedError(config.name()));
        });
    }

    private void retryScheduled(Session session, DatabaseError error, Duration delay) {
        Transition t = machine.apply(s -> s.is(session, ConnectionPhase.CONNECTING) ? s : null,
                (b, a) -> ConnectionEvent.Type.RETRYING, EventDetails.retryAfter(delay));
        if (t != null) {
            LOG.warn("Connection attempt {} to {} failed: {} [{}]; retrying in {} ms", t.after().retryCount(),
                    target.hosts(), error.getMessage(), error.code(), delay.toMillis());
        }
    }

    /**
     * Runs when the schedule ends, inside Failsafe's completion (which holds its future's monitor): so it only
     * applies a transition, which queues its event, and completes the shared result.
     */
    private void finish(Run run, Session session, int attempts, Duration took, Throwable error) {
        ConnectionResult outcome;
        ConnectionState now = machine.current();
        if (error == null || now.is(session, ConnectionPhase.CONNECTED)) {
            outcome = ConnectionResult.connected(attempts, took);
        } else {
            DatabaseError cause = error instanceof CancellationException
                    ? cancelledError(now) : ErrorClassifier.classify(unwrap(error), target);
            Transition t = machine.apply(s -> s.is(session, ConnectionPhase.CONNECTING) ? s.down(cause) : null,
                    (b, a) -> a.phase() == ConnectionPhase.FAILED ? ConnectionEvent.Type.FAILED : ConnectionEvent.Type.RETRYING,
                    EventDetails.retryAfter(config.reconnectInterval()));
            if (t != null && cause.isTemporary()) {
                LOG.warn("Could not connect to {} after {} attempts: {} [{}]; the reconnect loop tries every {} ms",
                        target.hosts(), attempts, cause.getMessage(), cause.code(), config.reconnectInterval().toMillis());
            } else if (t != null) {
                watcher.logPermanentFailure(cause);
            }
            outcome = ConnectionResult.failed(attempts, took, cause);
        }
        run.result.complete(outcome);
    }

    /** Why the schedule was cancelled, when it did not end in a connection. */
    private DatabaseError cancelledError(ConnectionState now) {
        return now.isIdle() ? Lender.disconnectedError(config.name()) : new DatabaseError(ErrorCode.UNKNOWN_ERROR,
                "The retry schedule for " + target.hosts() + " was stopped early; the reconnect loop goes on",
                List.of("Call initializeConnection() again to start another schedule"), Map.of(), null);
    }

    static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CompletionException || current instanceof ExecutionException
                || current instanceof FailsafeException) && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
