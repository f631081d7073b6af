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
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ibatis.cursor.Cursor;
import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.executor.BatchResult;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionManager;
import org.apache.ibatis.session.TransactionIsolationLevel;
import org.postgresql.util.PSQLException;

/**
 * Runs statements and transactions on MyBatis's {@link SqlSessionManager}, whose managed session is bound to
 * the thread, so every mapper used in a block, through any repository, joins the same transaction.
 *
 * <ul>
 *   <li>A statement outside a transaction runs in an autocommit session of its own: it commits by itself,
 *       so a failure (a deferred constraint, a lost connection) is raised by that very statement and can
 *       never be lost at a later, implicit commit.</li>
 *   <li>A transaction commits on success, rolls back on any exception, and always closes its session. A
 *       transaction that a caught statement failure aborted is not reported as committed (PostgreSQL would
 *       silently roll it back): the commit fails with that statement's error, so a swallowed conflict is
 *       still retried. A statement that PostgreSQL refuses after such a failure (25P02) fails with an error
 *       naming the first failure, its statement and its code, with that failure as cause.</li>
 *   <li>Read-only and the isolation level are set when the first statement opens the connection, so a
 *       connection failure is reported as that statement's, in any transaction. Both belong to the
 *       transaction alone ({@code BEGIN READ ONLY}, {@code SET TRANSACTION ISOLATION LEVEL}), never to the
 *       session: behind PgBouncer in transaction pooling mode a session setting would stay on a server
 *       connection that other clients' transactions use next.</li>
 *   <li>A block run inside another joins it; the outermost decides isolation, read-only, batching and
 *       retries. Asking for a stricter isolation or read-only than the running transaction is refused.</li>
 *   <li>On request, a block that fails with a serialization failure or a deadlock runs again, each attempt a
 *       transaction of its own.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class TransactionRunner {

    /** Translates a failure; {@code where} is the statement ({@code Mapper.method}) or the step that failed. */
    @FunctionalInterface
    public interface Translator {
        DatabaseError translate(Throwable error, String where);
    }

    /** The transaction running on a thread. */
    private static final class Frame {
        final TransactionOptions options;
        /**
         * Read-only is set on the connection at the first statement, which is when MyBatis opens it: a
         * connection failure then names that statement, as it does in a read-write transaction.
         */
        boolean readOnlyPending;
        /**
         * The isolation level still to be set, with {@code SET TRANSACTION} before the first statement, or
         * {@code null}. Not with {@link Connection#setTransactionIsolation}: pgjdbc sends that as
         * {@code SET SESSION CHARACTERISTICS}, which outlives the transaction, and HikariCP's reset afterwards
         * is a session statement too; behind PgBouncer in transaction mode both land on whichever server
         * connection is free and change the isolation of other clients' transactions.
         */
        TransactionIsolationLevel isolationPending;
        /**
         * The first failure the server reported in this transaction. PostgreSQL aborted the transaction
         * there: it refuses every later statement (25P02) and answers COMMIT with a rollback.
         */
        DatabaseError abortCause;

        Frame(TransactionOptions options) {
            this.options = options;
            this.readOnlyPending = options.isReadOnly();
            this.isolationPending = options.isolationLevel();
        }
    }

    /** Context key of a {@link DatabaseError} for a statement refused because the transaction had failed. */
    public static final String REFUSED_STATEMENT = "refusedStatement";

    private static final String ABORTED = AbortAwareTransactionFactory.ABORTED;

    private final SqlSessionManager sessions;
    private final Translator translator;
    private final ThreadLocal<Frame> current = new ThreadLocal<>();
    private final DeferredDataSource routing;
    private final CursorFetchSize streaming;
    /** The configuration's default executor (SIMPLE unless a configuration file says REUSE or BATCH). */
    private final ExecutorType transactionExecutor;
    /** The same for a statement outside a transaction, but never BATCH. */
    private final ExecutorType autocommitExecutor;

    /**
     * @param routing the factory's DataSource, told when a read-only transaction runs so that it may borrow
     *                from a standby; {@code null} when the factory's environment uses another DataSource
     */
    public TransactionRunner(SqlSessionManager sessions, Translator translator, DeferredDataSource routing,
            CursorFetchSize streaming) {
        this.sessions = sessions;
        this.streaming = streaming;
        this.transactionExecutor = sessions.getConfiguration().getDefaultExecutorType();
        // A batch executor would queue an autocommit statement and drop it unsent when the session closes.
        this.autocommitExecutor = transactionExecutor == ExecutorType.BATCH ? ExecutorType.SIMPLE : transactionExecutor;
        this.translator = translator;
        this.routing = routing;
    }

    /** Whether the calling thread is inside a transaction run here. */
    public boolean isInTransaction() {
        return current.get() != null;
    }

    /** Runs a statement on a session. */
    @FunctionalInterface
    public interface SessionCall<T> {
        T execute(SqlSession session);
    }

    /**
     * Runs one statement ({@code statement} is its MyBatis id, {@code MapperType.method}): in the thread's
     * transaction if there is one, else in an autocommit session of its own, opened from the factory and
     * closed afterwards. Database failures are translated, naming the statement.
     */
    public <T> T execute(String statement, SessionCall<T> call) {
        if (isInTransaction()) {
            applyPendingSettings(statement);
            try {
                return call.execute(sessions);
            } catch (RuntimeException e) {
                throw failed(e, statement);
            }
        }
        try (SqlSession session = sessions.openSession(autocommitExecutor, true)) {
            return call.execute(session);
        } catch (RuntimeException e) {
            throw failed(e, statement);
        }
    }

    /**
     * Opens a cursor in the thread's transaction, fetching rows from the server in chunks as it is read
     * (unless the statement sets its own fetch size), and translating failures met while reading.
     *
     * @throws DatabaseError CONFIGURATION_ERROR outside a transaction, before anything is sent: the cursor
     *                       would outlive its session
     */
    public <T> Cursor<T> cursor(String statement, SessionCall<Cursor<T>> call) {
        if (!isInTransaction()) {
            throw new DatabaseError(ErrorCode.CONFIGURATION_ERROR, statement + " returns a Cursor, which reads "
                    + "from an open transaction: called outside one, its session would close before the first row "
                    + "is read", List.of("Call " + statement + " inside client.inTransaction(...) and read the "
                    + "Cursor before the block returns"), Map.of(MyBatisErrors.STATEMENT, statement), null);
        }
        Cursor<T> cursor = execute(statement, session -> streaming.during(() -> call.execute(session)));
        return new TranslatingCursor<>(cursor, e -> failed(e, statement));
    }

    /** Empties the local cache of the thread's transaction; outside one there is none. */
    public void clearCache() {
        if (isInTransaction()) {
            sessions.clearCache();
        }
    }

    /** Work on the JDBC connection of the thread's transaction. */
    @FunctionalInterface
    public interface ConnectionWork<T, X extends Exception> {
        T run(Connection connection) throws X, SQLException;
    }

    /**
     * Runs {@code work} on the connection of the thread's transaction as one statement named {@code statement}:
     * read-only and the isolation level are applied before it, statements queued by a batch transaction are
     * sent before it (so they run first, in order), and MyBatis's local cache is emptied after it, as after any
     * write. A database failure is translated naming the statement; one that left the transaction aborted
     * (the server's error, or a client-side failure after which the work ended its statement with an error) is
     * remembered as the transaction's first failure. Anything else passes unchanged.
     *
     * @throws IllegalStateException outside a transaction
     */
    public <T, X extends Exception> T onConnection(String statement, ConnectionWork<T, X> work) throws X {
        Frame frame = current.get();
        if (frame == null) {
            throw new IllegalStateException(statement + " needs a transaction: call it inside inTransaction(...)");
        }
        applyPendingSettings(statement);
        if (frame.options.isBatch()) {
            flushStatements();
        }
        Connection connection;
        try {
            connection = sessions.getConnection();
            if (frame.options.isReadOnly() && AbortAwareTransactionFactory.isIdle(connection)) {
                // pgjdbc begins a read-only transaction with BEGIN READ ONLY only before a statement; work that
                // bypasses statements (a COPY) would begin it with a plain BEGIN and could write.
                try (java.sql.Statement begin = connection.createStatement()) {
                    begin.execute("SET TRANSACTION READ ONLY");
                }
            }
        } catch (SQLException e) {
            throw failed(new PersistenceException(e), statement);
        } catch (RuntimeException e) {
            throw failed(e, statement);
        }
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw rememberAbort(frame, failed(new PersistenceException(e), statement), connection);
        } catch (RuntimeException e) {
            throw rememberAbort(frame, failed(e, statement), connection);
        } finally {
            sessions.clearCache();
        }
    }

    /**
     * Remembers {@code error} as the transaction's first failure when none is yet and the transaction is aborted,
     * though the server may not have reported it as {@code error}'s cause (a COPY cancelled by the client).
     */
    private static RuntimeException rememberAbort(Frame frame, RuntimeException error, Connection connection) {
        if (frame.abortCause == null && error instanceof DatabaseError d
                && AbortAwareTransactionFactory.isAborted(connection)) {
            frame.abortCause = d;
        }
        return error;
    }

    /** The connection of the thread's transaction, opening it if no statement has yet. */
    public Connection connection() {
        if (!isInTransaction()) {
            throw new IllegalStateException("A connection belongs to a transaction: call this inside inTransaction(...)");
        }
        return sessions.getConnection();
    }

    /**
     * A database failure translated, naming the statement; anything else unchanged. In a transaction, the
     * first failure the server reports is remembered, and a later statement's refusal (25P02) is reported
     * as that failure, which is what the caller has to act on.
     */
    /**
     * What MyBatis threw for {@code statement}, outside the statement's own run (before it could run, say),
     * translated as a failure of it would be.
     */
    public RuntimeException translate(PersistenceException cause, String statement) {
        return failed(cause, statement);
    }

    private RuntimeException failed(RuntimeException cause, String statement) {
        if (!isDatabaseFailure(cause)) {
            return cause;
        }
        DatabaseError error = translator.translate(cause, statement);
        Frame frame = current.get();
        if (frame == null) {
            // An autocommit statement commits by itself: if the connection broke while it was in flight, it may
            // have been committed. (In a transaction, only the commit can be in that state.)
            return MyBatisErrors.connectionBrokeInFlight(cause) ? error.withOutcomeUnknown() : error;
        }
        boolean refusal = isAbortRefusal(cause);
        if (refusal && frame.abortCause != null) {
            return refusedAfter(frame.abortCause, statement, cause);
        }
        if (frame.abortCause == null && !refusal && isReportedByServer(cause)) {
            frame.abortCause = error;
        }
        return error;
    }

    /**
     * The error for {@code statement}, which PostgreSQL refused (25P02) because {@code first} had aborted
     * the transaction: it carries the first failure's code, context (its statement and SQLState) and steps,
     * has it as cause, and keeps the refusal as a suppressed exception.
     */
    private static DatabaseError refusedAfter(DatabaseError first, String statement, Throwable refusal) {
        String firstStatement = first.context().getOrDefault(MyBatisErrors.STATEMENT, "an earlier statement");
        Map<String, String> context = new LinkedHashMap<>(first.context());
        context.put(REFUSED_STATEMENT, statement);
        List<String> steps = new ArrayList<>();
        steps.add("Do not go on with a transaction after one of its statements failed: PostgreSQL refuses every "
                + "later statement until the transaction ends. Let the failure end the block (rethrow it), or run "
                + "the statement that may fail in a transaction of its own");
        steps.addAll(first.troubleshootingSteps());
        DatabaseError error = new DatabaseError(first.code(), statement + " was refused (SQLState " + ABORTED
                + "): the transaction had already failed at " + firstStatement + " with " + first.code()
                + (first.sqlState() == null ? "" : " (SQLState " + first.sqlState() + ")")
                + " and the block went on. First failure: " + first.getMessage(), steps, context, first);
        error.addSuppressed(refusal);
        return error;
    }

    /**
     * Sets read-only and the isolation level on the transaction before its first statement; MyBatis opens the
     * connection here, so a failure to get one is reported as this statement's.
     */
    private void applyPendingSettings(String statement) {
        Frame frame = current.get();
        if (frame == null || (!frame.readOnlyPending && frame.isolationPending == null)) {
            return;
        }
        try {
            Connection connection = sessions.getConnection();
            if (frame.readOnlyPending) {
                connection.setReadOnly(true); // before the first statement: BEGIN READ ONLY
                frame.readOnlyPending = false; // only once it is set: a caught failure must not let a write through
            }
            if (frame.isolationPending != null) {
                // The first statement of the transaction (pgjdbc sends BEGIN with it), so it applies to this
                // transaction only. The level comes from the enum, never from the caller's text.
                try (java.sql.Statement set = connection.createStatement()) {
                    set.execute("SET TRANSACTION ISOLATION LEVEL " + frame.isolationPending.name().replace('_', ' '));
                }
                frame.isolationPending = null;
            }
        } catch (SQLException e) {
            throw failed(new PersistenceException(e), statement);
        } catch (RuntimeException e) {
            throw failed(e, statement);
        }
    }

    /**
     * Runs {@code block} in a transaction, or inside the calling thread's transaction if there is one.
     *
     * @throws X                     what the block throws, unchanged
     * @throws DatabaseError         a database failure, including one at commit
     * @throws IllegalStateException when joining a transaction that cannot give what {@code options} asks for
     */
    public <R, X extends Exception> R run(TransactionOptions options, TransactionCallback<R, X> block) throws X {
        if (isInTransaction()) {
            Frame outer = current.get();
            requireJoinable(outer == null ? TransactionOptions.defaults() : outer.options, options);
            return block.run();
        }
        if (options.maxAttempts() == 1) {
            return attempt(options, block);
        }
        AtomicReference<DatabaseError> lastConflict = new AtomicReference<>();
        RetryPolicyBuilder<R> retry = RetryPolicy.<R>builder()
                .handleIf(failure -> conflict(failure) != null)
                .withMaxAttempts(options.maxAttempts())
                .onFailedAttempt(e -> lastConflict.set(conflict(e.getLastException())))
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
            if (e.getCause() instanceof InterruptedException interrupted) {
                // Interrupted while waiting to retry: keep the interrupt, report the conflict that led here.
                Thread.currentThread().interrupt();
                DatabaseError last = lastConflict.get();
                if (last != null) {
                    last.addSuppressed(interrupted);
                    throw last;
                }
            }
            throw TransactionRunner.<X>sneaky(e.getCause()); // Failsafe wraps checked exceptions; give back the block's own
        }
    }

    /** Flushes the batch of the calling thread's transaction. */
    public List<BatchResult> flushStatements() {
        if (!isInTransaction()) {
            throw new IllegalStateException("flushStatements() needs a transaction: call it inside inTransaction(...)");
        }
        try {
            return sessions.flushStatements();
        } catch (PersistenceException e) {
            throw failed(e, "flushing the batch"); // remembered: the server aborted the transaction
        }
    }

    private <R, X extends Exception> R attempt(TransactionOptions options, TransactionCallback<R, X> block) throws X {
        ExecutorType executor = options.isBatch() ? ExecutorType.BATCH : transactionExecutor;
        sessions.startManagedSession(executor); // the isolation level is set in the transaction: applyPendingSettings
        Frame frame = new Frame(options);
        current.set(frame);
        if (routing != null && options.isReadOnly()) {
            routing.readsOnThisThread(true); // MyBatis borrows at the first statement, inside this frame
        }
        try {
            R result = block.run();
            commit(frame);
            return result;
        } catch (Exception | Error e) {
            rollbackAfter(e);
            if (e instanceof PersistenceException p) {
                throw translator.translate(p, "the transaction");
            }
            throw e;
        } finally {
            current.remove();
            try {
                sessions.close();
            } finally {
                if (routing != null) {
                    routing.readsOnThisThread(false);
                }
            }
        }
    }

    private void commit(Frame frame) {
        try {
            sessions.commit(true); // forced: a transaction that only read must end too
        } catch (PersistenceException e) {
            DatabaseError first = frame.abortCause;
            if (first != null && isAbortRefusal(e)) {
                throw new DatabaseError(first.code(), "The transaction was rolled back, not committed: a statement "
                        + "failed earlier in the block and the block went on (" + first.getMessage() + ")",
                        first.troubleshootingSteps(), first.context(), e);
            }
            DatabaseError error = translator.translate(e, "commit");
            // A read-only transaction wrote nothing, whatever became of its COMMIT: no need to check.
            throw !frame.options.isReadOnly() && MyBatisErrors.connectionBrokeInFlight(e)
                    ? error.withOutcomeUnknown() : error;
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
        if (inner.isolationLevel() != null && inner.isolationLevel() != outer.isolationLevel()) {
            throw new IllegalStateException("A transaction asking for " + inner.isolationLevel()
                    + " cannot join the transaction already running on this thread, which uses "
                    + (outer.isolationLevel() == null ? "the default isolation" : outer.isolationLevel())
                    + ": set the isolation level on the outermost inTransaction call");
        }
        if (inner.isReadOnly() && !outer.isReadOnly()) {
            throw new IllegalStateException("A read-only transaction cannot join the read-write transaction already "
                    + "running on this thread: make the outermost inTransaction call read-only, or run this one outside it");
        }
    }

    /** MyBatis's or pgkeeper's exception, or a SQLException anywhere in the chain (a cursor wraps it in a bare one). */
    private static boolean isDatabaseFailure(Throwable failure) {
        if (failure instanceof PersistenceException || failure instanceof DatabaseError) {
            return true;
        }
        return firstInChain(failure, t -> t instanceof SQLException) != null;
    }

    /** Whether the failure is PostgreSQL's (or the commit guard's) refusal of an aborted transaction, 25P02. */
    private static boolean isAbortRefusal(Throwable failure) {
        return firstInChain(failure, t -> t instanceof SQLException s && ABORTED.equals(s.getSQLState())) != null;
    }

    /**
     * Whether the server answered with an error, which aborts the transaction; failures on the client side
     * (a result that does not map, a connection not obtained) leave it usable. Walks causes and pgjdbc's
     * next exceptions (a failed batch).
     */
    private static boolean isReportedByServer(Throwable failure) {
        Set<Throwable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> todo = new ArrayDeque<>();
        todo.push(failure);
        while (!todo.isEmpty()) {
            Throwable t = todo.pop();
            if (!seen.add(t)) {
                continue;
            }
            if (t instanceof PSQLException p && p.getServerErrorMessage() != null) {
                return true;
            }
            if (t instanceof SQLException s && s.getNextException() != null) {
                todo.push(s.getNextException());
            }
            if (t.getCause() != null) {
                todo.push(t.getCause());
            }
        }
        return false;
    }

    /** The serialization failure or deadlock behind {@code failure}, or {@code null}. */
    private static DatabaseError conflict(Throwable failure) {
        return (DatabaseError) firstInChain(failure, t -> t instanceof DatabaseError d
                && (d.code() == ErrorCode.SERIALIZATION_FAILURE || d.code() == ErrorCode.DEADLOCK_DETECTED));
    }

    /** The first of {@code failure} and its causes that matches, or {@code null}. */
    private static Throwable firstInChain(Throwable failure, java.util.function.Predicate<Throwable> matches) {
        Set<Throwable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (matches.test(t)) {
                return t;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static <X extends Exception> X sneaky(Throwable t) throws X {
        throw (X) t;
    }
}
