package dev.pgkeeper.mybatis.internal;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.apache.ibatis.cursor.Cursor;
import org.apache.ibatis.executor.BatchResult;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.ResultHandler;
import org.apache.ibatis.session.RowBounds;
import org.apache.ibatis.session.SqlSession;

/**
 * The session every mapper of a client is bound to, as mybatis-spring binds its mappers to a
 * {@code SqlSessionTemplate}: MyBatis's own mapper proxies ({@link Configuration#getMapper}) call it, and it
 * runs each statement through the {@link TransactionRunner}, in the calling thread's transaction or in an
 * autocommit session of its own. A default mapper method is plain Java on the same proxy, so each statement
 * it runs takes the same way.
 *
 * <p>A {@link Cursor} reads from an open transaction, so outside one it is refused before anything is sent.
 * The session's life is the client's: {@code commit}, {@code rollback} and {@code close} are refused, as
 * transactions are {@code inTransaction}'s. Thread-safe.
 */
public final class ThreadSession implements SqlSession {

    private final Configuration configuration;
    private final TransactionRunner runner;

    public ThreadSession(Configuration configuration, TransactionRunner runner) {
        this.configuration = configuration;
        this.runner = runner;
    }

    @Override
    public <T> T selectOne(String statement) {
        return runner.execute(statement, s -> s.selectOne(statement));
    }

    @Override
    public <T> T selectOne(String statement, Object parameter) {
        return runner.execute(statement, s -> s.selectOne(statement, parameter));
    }

    @Override
    public <E> List<E> selectList(String statement) {
        return runner.execute(statement, s -> s.selectList(statement));
    }

    @Override
    public <E> List<E> selectList(String statement, Object parameter) {
        return runner.execute(statement, s -> s.selectList(statement, parameter));
    }

    @Override
    public <E> List<E> selectList(String statement, Object parameter, RowBounds rowBounds) {
        return runner.execute(statement, s -> s.selectList(statement, parameter, rowBounds));
    }

    @Override
    public <K, V> Map<K, V> selectMap(String statement, String mapKey) {
        return runner.execute(statement, s -> s.selectMap(statement, mapKey));
    }

    @Override
    public <K, V> Map<K, V> selectMap(String statement, Object parameter, String mapKey) {
        return runner.execute(statement, s -> s.selectMap(statement, parameter, mapKey));
    }

    @Override
    public <K, V> Map<K, V> selectMap(String statement, Object parameter, String mapKey, RowBounds rowBounds) {
        return runner.execute(statement, s -> s.selectMap(statement, parameter, mapKey, rowBounds));
    }

    @Override
    public <T> Cursor<T> selectCursor(String statement) {
        return selectCursor(statement, null, RowBounds.DEFAULT);
    }

    @Override
    public <T> Cursor<T> selectCursor(String statement, Object parameter) {
        return selectCursor(statement, parameter, RowBounds.DEFAULT);
    }

    @Override
    public <T> Cursor<T> selectCursor(String statement, Object parameter, RowBounds rowBounds) {
        return runner.cursor(statement, s -> s.selectCursor(statement, parameter, rowBounds));
    }

    @Override
    @SuppressWarnings("rawtypes") // SqlSession's signature
    public void select(String statement, Object parameter, ResultHandler handler) {
        runner.execute(statement, s -> {
            s.select(statement, parameter, handler);
            return null;
        });
    }

    @Override
    @SuppressWarnings("rawtypes") // SqlSession's signature
    public void select(String statement, ResultHandler handler) {
        select(statement, null, RowBounds.DEFAULT, handler);
    }

    @Override
    @SuppressWarnings("rawtypes") // SqlSession's signature
    public void select(String statement, Object parameter, RowBounds rowBounds, ResultHandler handler) {
        runner.execute(statement, s -> {
            s.select(statement, parameter, rowBounds, handler);
            return null;
        });
    }

    @Override
    public int insert(String statement) {
        return runner.execute(statement, s -> s.insert(statement));
    }

    @Override
    public int insert(String statement, Object parameter) {
        return runner.execute(statement, s -> s.insert(statement, parameter));
    }

    @Override
    public int update(String statement) {
        return runner.execute(statement, s -> s.update(statement));
    }

    @Override
    public int update(String statement, Object parameter) {
        return runner.execute(statement, s -> s.update(statement, parameter));
    }

    @Override
    public int delete(String statement) {
        return runner.execute(statement, s -> s.delete(statement));
    }

    @Override
    public int delete(String statement, Object parameter) {
        return runner.execute(statement, s -> s.delete(statement, parameter));
    }

    /** What a mapper's {@code @Flush} method calls: the thread's batch, if any; nothing outside a transaction. */
    @Override
    public List<BatchResult> flushStatements() {
        return runner.isInTransaction() ? runner.flushStatements() : List.of();
    }

    @Override
    public void commit() {
        throw ownedByTheClient("commit()");
    }

    @Override
    public void commit(boolean force) {
        throw ownedByTheClient("commit()");
    }

    @Override
    public void rollback() {
        throw ownedByTheClient("rollback()");
    }

    @Override
    public void rollback(boolean force) {
        throw ownedByTheClient("rollback()");
    }

    @Override
    public void close() {
        throw ownedByTheClient("close()");
    }

    @Override
    public void clearCache() {
        runner.clearCache();
    }

    @Override
    public Configuration getConfiguration() {
        return configuration;
    }

    @Override
    public <T> T getMapper(Class<T> type) {
        return configuration.getMapper(type, this);
    }

    /** The connection of the calling thread's transaction. */
    @Override
    public Connection getConnection() {
        return runner.connection();
    }

    private static UnsupportedOperationException ownedByTheClient(String what) {
        return new UnsupportedOperationException(what + " is not available on a pgkeeper mapper's session: "
                + "transactions begin and end with MyBatisClient.inTransaction(...)");
    }

    @Override
    public String toString() {
        return "pgkeeper thread session";
    }
}
