package dev.pgkeeper.mybatis.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.ibatis.binding.MapperProxy;
import org.apache.ibatis.exceptions.PersistenceException;

/**
 * MyBatis's own {@link MapperProxy} (its cache of mapper methods, default methods, parameter binding) on a
 * {@link ThreadSession}, which runs and translates each statement. What MyBatis throws before a statement
 * runs (a method without a mapped statement, parameters it cannot bind) is translated here, naming
 * {@code MapperType.method}. Thread-safe.
 */
public final class TranslatingMapper<T> extends MapperProxy<T> {

    private static final long serialVersionUID = 1L;

    private final String mapperName;
    private final transient TransactionRunner runner;

    @SuppressWarnings("unchecked") // the raw method cache
    private TranslatingMapper(ThreadSession session, Class<T> type, TransactionRunner runner) {
        super(session, type, methodCache());
        this.mapperName = type.getName();
        this.runner = runner;
    }

    /** A mapper of {@code type} whose statements run on {@code session}. */
    public static <M> M create(Class<M> type, ThreadSession session, TransactionRunner runner) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                new TranslatingMapper<>(session, type, runner)));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        try {
            return super.invoke(proxy, method, args);
        } catch (PersistenceException e) {
            throw runner.translate(e, mapperName + "." + method.getName());
        }
    }

    /** MyBatis fills it; its value type is package-private to MyBatis, hence the raw map. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Map methodCache() {
        return new ConcurrentHashMap();
    }
}
