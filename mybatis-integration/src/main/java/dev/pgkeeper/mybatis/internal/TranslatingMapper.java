package dev.pgkeeper.mybatis.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.apache.ibatis.exceptions.PersistenceException;

/**
 * The face of a MyBatis mapper proxy: MyBatis's {@code MapperProxy} does the work (its cache of mapper
 * methods, default methods, binding), on a {@link ThreadSession} that runs and translates each statement.
 * What MyBatis throws before a statement runs (a method without a mapped statement, parameters it cannot
 * bind) is translated here, naming {@code MapperType.method}. Thread-safe, as the mapper it wraps.
 */
public final class TranslatingMapper implements InvocationHandler {

    private final Object mapper;
    private final String mapperName;
    private final TransactionRunner runner;

    private TranslatingMapper(Object mapper, Class<?> type, TransactionRunner runner) {
        this.mapper = mapper;
        this.mapperName = type.getName();
        this.runner = runner;
    }

    /** A proxy of {@code type} whose calls go to {@code mapper}, MyBatis's mapper on a {@link ThreadSession}. */
    public static <M> M wrap(Class<M> type, M mapper, TransactionRunner runner) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                new TranslatingMapper(mapper, type, runner)));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "pgkeeper mapper " + mapperName;
            };
        }
        try {
            return method.invoke(mapper, args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof PersistenceException p
                    ? runner.translate(p, mapperName + "." + method.getName()) : e.getCause();
        }
    }
}
