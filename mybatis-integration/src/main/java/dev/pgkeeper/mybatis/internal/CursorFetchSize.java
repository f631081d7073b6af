package dev.pgkeeper.mybatis.internal;

import java.sql.Connection;
import java.sql.Statement;
import java.util.function.Supplier;
import org.apache.ibatis.executor.statement.StatementHandler;
import org.apache.ibatis.plugin.Interceptor;
import org.apache.ibatis.plugin.Intercepts;
import org.apache.ibatis.plugin.Invocation;
import org.apache.ibatis.plugin.Signature;

/**
 * Makes a MyBatis {@code Cursor} stream. pgjdbc reads a whole result into memory unless the statement has a
 * fetch size (and the connection is in a transaction, which {@link TransactionRunner#cursor} ensures); a
 * mapped statement without one gets {@value #ROWS} rows per round trip while a cursor is being opened on
 * the thread. A fetch size the statement already has when it is prepared ({@code fetchSize} in the
 * mapper, say) is left alone. Other statements are not touched. Thread-safe.
 */
@Intercepts(@Signature(type = StatementHandler.class, method = "prepare", args = {Connection.class, Integer.class}))
public final class CursorFetchSize implements Interceptor {

    /** Rows per round trip for a cursor whose statement sets no fetch size. */
    public static final int ROWS = 1000;

    private final ThreadLocal<Boolean> opening = new ThreadLocal<>();

    /** Runs {@code open}, which opens a cursor on the calling thread. */
    <T> T during(Supplier<T> open) {
        opening.set(Boolean.TRUE);
        try {
            return open.get();
        } finally {
            opening.remove();
        }
    }

    @Override
    public Object intercept(Invocation invocation) throws Throwable {
        Object prepared = invocation.proceed();
        if (opening.get() != null && prepared instanceof Statement statement && statement.getFetchSize() == 0) {
            statement.setFetchSize(ROWS);
        }
        return prepared;
    }
}
