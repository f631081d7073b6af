package dev.pgkeeper.mybatis.internal;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.mybatis.TransactionCallback;
import dev.pgkeeper.mybatis.TransactionOptions;
import dev.pgkeeper.mybatis.TransactionRetry;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.BiFunction;
import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSessionManager;

/**
 * Runs blocks in transactions on MyBatis's {@link SqlSessionManager}: its managed session is bound to the
 * thread, so every mapper used in the block, through any repository, joins the same transaction. Commit on
 * success, rollback on any exception, session always closed; a call made inside another joins it; retries
 * on serialization failures and deadlocks when asked for, each attempt a transaction of its own.
 *
 * <p>Thread-safe.
 */
public final class TransactionRunner {

    private final SqlSessionManager sessions;
    private final BiFunction<Throwable, String, DatabaseError> translator;
    private final ThreadLocal<TransactionOptions> outermost = new ThreadLocal<>();

    /** @param translator turns a MyBatis failure (and the step that failed) into a DatabaseError */
    public TransactionRunner(SqlSessionManager sessions, BiFunction<Throwable, String, DatabaseError> translator) {
        this.sessions = sessions;
        this.translator = translator;
    }

    /** Whether the calling thread is inside a transaction run here. */
    public boolean isInTransaction() {
        return sessions.isManagedSessionStarted();
    }

    /**
     * Runs {@code block} in a transaction, or inside the calling thread's transaction if there is one.
     *
     * @throws X                     what the block throws, unchanged
     * @throws DatabaseError         a database failure, including one at commit
     * @throws IllegalStateException when joining a transaction whose isolation level differs from the one asked for
     */
    public <R, X extends Exception> R run(TransactionOptions options, TransactionCallback<R, X> block) throws X {
        if (sessions.isManagedSessionStarted()) {
            requireJoinable(outermost.get(), options);
            return block.run();
        }
        if (options.maxAttempts() == 1) {
            return attempt(options, block);
        }
        RetryPolicyBuilder<R> retry = RetryPolicy.<R>builder()
                .handleIf(TransactionRunner::isConflict)
                .withMaxAttempts(options.maxAttempts())
                .onRetryScheduled(e -> options.retryListener().accept(
                        new TransactionRetry(e.getAttemptCount(), e.getDelay(), conflict(e.getLastException()))));
        if (options.maxRetryDelay().compareTo(options.retryDelay()) > 0) {
            retry.withBackoff(options.retryDelay(), options.maxRetryDelay()).withJitter(0.25);
        } else {
            retry.withDelay(options.retryDelay()).withJitter(0.25);
        }
        try {
            return Failsafe.with(retry.build()).get(() -> attempt(options, block));
        } catch (FailsafeException e) {
            throw TransactionRunner.<X>sneaky(e.getCause()); // Failsafe wraps checked exceptions; give back the block's own
        }
    }

    /** Flushes the batch of the calling thread's transaction. */
    public java.util.List<org.apache.ibatis.executor.BatchResult> flushStatements() {
        if (!sessions.isManagedSessionStarted()) {
            throw new IllegalStateException("flushStatements() needs a transaction: call it inside inTransaction(...)");
        }
        try {
            return sessions.flushStatements();
        } catch (PersistenceException e) {
            throw translator.apply(e, "flushing the batch");
        }
    }

    private <R, X extends Exception> R attempt(TransactionOptions options, TransactionCallback<R, X> block) throws X {
        ExecutorType executor = options.isBatch() ? ExecutorType.BATCH : ExecutorType.SIMPLE;
        if (options.isolationLevel() == null) {
            sessions.startManagedSession(executor);
        } else {
            sessions.startManagedSession(executor, options.isolationLevel());
        }
        outermost.set(options);
        try {
            if (options.isReadOnly()) {
                setReadOnly();
            }
            R result = block.run();
            commit();
            return result;
        } catch (Exception | Error e) {
            rollbackAfter(e);
            if (e instanceof PersistenceException p) {
                throw translator.apply(p, "the transaction");
            }
            throw e;
        } finally {
            outermost.remove();
            sessions.close();
        }
    }

    private void setReadOnly() {
        try {
            sessions.getConnection().setReadOnly(true); // before the first statement: BEGIN READ ONLY
        } catch (SQLException e) {
            throw translator.apply(e, "starting a read-only transaction");
        }
    }

    private void commit() {
        try {
            sessions.commit(true); // forced: a transaction that only read must end too
        } catch (PersistenceException e) {
            throw translator.apply(e, "commit");
        }
    }

    private void rollbackAfter(Throwable failure) {
        try {
            sessions.rollback(true);
        } catch (RuntimeException e) {
            failure.addSuppressed(e); // the connection may be gone; the first failure is what matters
        }
    }

    private static void requireJoinable(TransactionOptions outer, TransactionOptions inner) {
        if (inner.isolationLevel() != null && (outer == null || inner.isolationLevel() != outer.isolationLevel())) {
            throw new IllegalStateException("A transaction asking for " + inner.isolationLevel()
                    + " cannot join the transaction already running on this thread, which uses "
                    + (outer == null || outer.isolationLevel() == null ? "the default isolation" : outer.isolationLevel())
                    + ": set the isolation level on the outermost inTransaction call");
        }
    }

    private static boolean isConflict(Throwable failure) {
        return conflict(failure) != null;
    }

    /** The serialization failure or deadlock behind {@code failure}, or {@code null}. */
    private static DatabaseError conflict(Throwable failure) {
        Set<Throwable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof DatabaseError d
                    && (d.code() == ErrorCode.SERIALIZATION_FAILURE || d.code() == ErrorCode.DEADLOCK_DETECTED)) {
                return d;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static <X extends Exception> X sneaky(Throwable t) throws X {
        throw (X) t;
    }
}
