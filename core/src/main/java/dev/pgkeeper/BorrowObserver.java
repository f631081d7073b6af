package dev.pgkeeper;

/**
 * Sees every {@code getConnection()} call on a manager's {@link ConnectionManager#dataSource()} and
 * {@link ConnectionManager#readDataSource()}: how long it took and how it ended, including the calls that fail
 * fast while the server is down and never reach HikariCP (whose own acquire metrics count only connections it
 * lent). For metrics; register with {@link ConnectionManager#addBorrowObserver(BorrowObserver)}.
 *
 * <p>Called on the calling thread, right after the call, once per call and observer. Implementations must be
 * thread-safe and cheap (update a meter, no I/O); an exception they throw is logged and otherwise ignored.
 */
public interface BorrowObserver {

    /**
     * A call got a connection.
     *
     * @param reads        {@code true} for {@link ConnectionManager#readDataSource()}
     * @param elapsedNanos how long the call took
     */
    void borrowed(boolean reads, long elapsedNanos);

    /**
     * A call failed; it threw an exception whose category is {@code code} (as
     * {@link ConnectionManager#categorize(Throwable)} gives it).
     *
     * @param reads        {@code true} for {@link ConnectionManager#readDataSource()}
     * @param elapsedNanos how long the call took
     * @param code         the failure's category, never {@code null}
     */
    void failed(boolean reads, long elapsedNanos, ErrorCode code);
}
