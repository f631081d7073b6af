package dev.pgkeeper.mybatis.bookshop;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.apache.ibatis.executor.Executor;
import org.apache.ibatis.plugin.Interceptor;
import org.apache.ibatis.plugin.Intercepts;
import org.apache.ibatis.plugin.Invocation;
import org.apache.ibatis.plugin.Plugin;
import org.apache.ibatis.plugin.Signature;
import org.apache.ibatis.transaction.Transaction;

/**
 * Counts the MyBatis transactions (sessions, and the executors MyBatis opens for lazy loads) that are open, on
 * every thread. Counted by transaction rather than by executor as fixtures.SessionCounter does: a
 * {@code <selectKey>} makes MyBatis create an executor on the session's transaction that it never closes, which
 * that counter would report as a leak. Thread-safe.
 */
@Intercepts(@Signature(type = Executor.class, method = "close", args = boolean.class))
public final class OpenSessions implements Interceptor {

    private final Set<Transaction> open = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

    /** Transactions open right now. */
    public int open() {
        return open.size();
    }

    @Override
    public Object plugin(Object target) {
        if (target instanceof Executor executor) {
            open.add(executor.getTransaction());
            return Plugin.wrap(target, this);
        }
        return target;
    }

    @Override
    public Object intercept(Invocation invocation) throws Throwable {
        Transaction transaction = ((Executor) invocation.getTarget()).getTransaction();
        try {
            return invocation.proceed();
        } finally {
            open.remove(transaction);
        }
    }
}
