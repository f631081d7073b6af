package dev.pgkeeper.mybatis.internal;

import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.ibatis.executor.statement.StatementHandler;
import org.apache.ibatis.plugin.Interceptor;
import org.apache.ibatis.plugin.Intercepts;
import org.apache.ibatis.plugin.Invocation;
import org.apache.ibatis.plugin.Plugin;
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
    /** Cursors opening on any thread: when none is, {@link #plugin} need not look at the thread. */
    private final AtomicInteger openingAnywhere = new AtomicInteger();

    /** Runs {@code open}, which opens a cursor on the calling thread. */
    <T> T during(Supplier<T> open) {
        openingAnywhere.incrementAndGet();
        opening.set(Boolean.TRUE);
        try {
            return open.get();
        } finally {
            opening.remove();
            openingAnywhere.decrementAndGet();
        }
    }

    /**
     * Wraps only a statement handler created while a cursor opens. MyBatis offers every executor and handler
     * it creates to every plugin, and the default {@code Plugin.wrap} reads this class's annotations by
     * reflection each time: on every statement, the most expensive part of a short select.
     */
    @Override
    public Object plugin(Object target) {
        boolean cursorOpening = openingAnywhere.get() > 0 && opening.get() != null;
        return cursorOpening && target instanceof StatementHandler ? Plugin.wrap(target, this) : target;
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
