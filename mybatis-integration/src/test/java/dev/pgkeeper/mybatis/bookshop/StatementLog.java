package dev.pgkeeper.mybatis.bookshop;

import dev.pgkeeper.mybatis.MyBatisClient;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.ibatis.executor.statement.StatementHandler;
import org.apache.ibatis.mapping.MappedStatement;
import org.apache.ibatis.plugin.Interceptor;
import org.apache.ibatis.plugin.Intercepts;
import org.apache.ibatis.plugin.Invocation;
import org.apache.ibatis.plugin.Signature;
import org.apache.ibatis.reflection.SystemMetaObject;
import org.postgresql.PGConnection;

/**
 * A MyBatis plugin, declared in bookshop/mybatis-config.xml as an application would declare its own: records
 * every statement MyBatis prepares (which is every statement sent, also those of nested selects and lazy
 * loads, which bypass the executor's plugins) with the backend that ran it and whether that connection was in
 * a transaction; and the fetch size a cursor was opened with. Thread-safe.
 */
@Intercepts({
        @Signature(type = StatementHandler.class, method = "prepare", args = {Connection.class, Integer.class}),
        @Signature(type = StatementHandler.class, method = "queryCursor", args = {Statement.class})})
public final class StatementLog implements Interceptor {

    /**
     * One statement prepared.
     *
     * @param statement   the mapped statement, {@code Mapper.method} without the package
     * @param sql         the SQL as sent, white space collapsed
     * @param backendPid  the PostgreSQL backend that ran it
     * @param autoCommit  {@code false} when it ran inside a transaction
     * @param thread      the thread that ran it
     */
    public record Entry(String statement, String sql, int backendPid, boolean autoCommit, String thread) {
    }

    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private volatile int lastCursorFetchSize = -1;

    /** The log of {@code client}'s configuration. */
    public static StatementLog of(MyBatisClient client) {
        return client.sqlSessionFactory().getConfiguration().getInterceptors().stream()
                .filter(StatementLog.class::isInstance).map(StatementLog.class::cast).findFirst()
                .orElseThrow(() -> new IllegalStateException("no StatementLog plugin in " + client));
    }

    @Override
    public Object intercept(Invocation invocation) throws Throwable {
        if (invocation.getMethod().getName().equals("queryCursor")) {
            lastCursorFetchSize = ((Statement) invocation.getArgs()[0]).getFetchSize();
            return invocation.proceed();
        }
        Connection connection = (Connection) invocation.getArgs()[0];
        MappedStatement ms = (MappedStatement) SystemMetaObject.forObject(unwrap(invocation.getTarget()))
                .getValue("delegate.mappedStatement");
        StatementHandler handler = (StatementHandler) invocation.getTarget();
        entries.add(new Entry(shortName(ms.getId()), handler.getBoundSql().getSql().replaceAll("\\s+", " ").trim(),
                backendPid(connection), connection.getAutoCommit(), Thread.currentThread().getName()));
        return invocation.proceed();
    }

    /** The statements prepared since the last {@link #clear()}, in order, as {@code Mapper.method}. */
    public List<String> statements() {
        return entries.stream().map(Entry::statement).toList();
    }

    /** Everything recorded since the last {@link #clear()}. */
    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The entries of {@code statement} ({@code Mapper.method}). */
    public List<Entry> of(String statement) {
        return entries.stream().filter(e -> e.statement().equals(statement)).toList();
    }

    /** The fetch size of the last cursor opened, -1 if none was. */
    public int lastCursorFetchSize() {
        return lastCursorFetchSize;
    }

    public void clear() {
        entries.clear();
        lastCursorFetchSize = -1;
    }

    private static String shortName(String id) {
        int dot = id.lastIndexOf('.', id.lastIndexOf('.') - 1);
        return id.substring(dot + 1);
    }

    private static int backendPid(Connection connection) throws SQLException {
        return connection.unwrap(PGConnection.class).getBackendPID();
    }

    /** The statement handler under any plugins that wrapped it before this one. */
    private static Object unwrap(Object target) {
        Object t = target;
        while (Proxy.isProxyClass(t.getClass())) {
            t = SystemMetaObject.forObject(Proxy.getInvocationHandler(t)).getValue("target");
        }
        return t;
    }
}
