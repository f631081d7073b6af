package dev.pgkeeper.mybatis;

import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * The base of a repository backed by one MyBatis mapper. A subclass names its mapper type and calls
 * {@link #mapper()}; it never opens, commits or closes a session. Every failure reaches the caller as a
 * categorized {@link dev.pgkeeper.DatabaseError} with MyBatis's exception as cause.
 *
 * <pre>{@code
 * public final class UserRepository extends BaseRepository<UserMapper> {
 *     public UserRepository(MyBatisClient client) { super(client, UserMapper.class); }
 *     public Optional<User> find(long id)         { return Optional.ofNullable(mapper().findById(id)); }
 *     public long add(User user)                  { mapper().insert(user); return user.getId(); }
 * }
 * }</pre>
 *
 * <p>Repositories are thread-safe and cheap; build them once and share them. Calls made inside
 * {@link MyBatisClient#inTransaction} join the transaction.
 *
 * @param <M> the mapper interface
 */
public abstract class BaseRepository<M> {

    private final MyBatisClient client;
    private final M mapper;

    /**
     * @param client the client whose mapper this repository uses
     * @param mapperType the mapper interface, registered with {@code client}
     * @throws dev.pgkeeper.DatabaseError {@link dev.pgkeeper.ErrorCode#NOT_INITIALIZED} when the client's
     *                                    manager has not been initialized, or
     *                                    {@link dev.pgkeeper.ErrorCode#CONFIGURATION_ERROR} when the mapper
     *                                    is not registered with the client
     */
    protected BaseRepository(MyBatisClient client, Class<M> mapperType) {
        this.client = Objects.requireNonNull(client, "client");
        Objects.requireNonNull(mapperType, "mapperType");
        client.connectionManager().dataSource(); // fails clearly before initializeConnection()
        this.mapper = client.mapper(mapperType);
    }

    /**
     * The mapper: thread-safe, joins the current transaction, translates failures.
     *
     * @return the mapper
     */
    protected final M mapper() {
        return mapper;
    }

    /**
     * The client, for transactions that span this and other repositories.
     *
     * @return the client
     */
    protected final MyBatisClient client() {
        return client;
    }

    /**
     * Inserts {@code rows} with MyBatis's batch executor, sending a batch every {@code flushEvery} rows, all
     * in one transaction: nothing is inserted if any row fails. When a transaction is already running it
     * joins it, without batching, and a failure rolls back with that transaction.
     *
     * <p>With {@link dev.pgkeeper.DatabaseConfig#rewriteBatchedInserts()} on (the default), pgjdbc sends a batch of
     * single-row inserts as a few multi-row inserts: every row is inserted, but the update counts are
     * {@link java.sql.Statement#SUCCESS_NO_INFO} instead of 1, and a failing row is reported, with the right error
     * code, as the first entry of its multi-row statement. Inserts with {@code useGeneratedKeys} are not rewritten.
     * {@code DB_REWRITE_BATCHED_INSERTS=false} ({@code rewriteBatchedInserts(false)}) turns it off.
     *
     * @param insert calls the mapper's insert method for one row, e.g. {@code UserMapper::insert}
     * @param <T> the type of a row
     * @param rows the rows to insert
     * @param flushEvery how many rows go in one batch
     * @return the number of rows handed to {@code insert}
     * @throws IllegalArgumentException if {@code flushEvery} is less than 1
     */
    protected final <T> int insertInBatches(Iterable<? extends T> rows, int flushEvery, BiConsumer<? super M, ? super T> insert) {
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(insert, "insert");
        if (flushEvery < 1) {
            throw new IllegalArgumentException("flushEvery must be at least 1, got " + flushEvery);
        }
        return client.inTransaction(TransactionOptions.defaults().batch(), () -> {
            int count = 0;
            for (T row : rows) {
                insert.accept(mapper, row);
                if (++count % flushEvery == 0) {
                    client.flushStatements();
                }
            }
            client.flushStatements();
            return count;
        });
    }
}
