package dev.pgkeeper.mybatis.internal;

import dev.pgkeeper.DatabaseError;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Wraps a MyBatis mapper so that every failure of a mapper method reaches the caller as a categorized
 * {@link DatabaseError} naming the statement ({@code MapperType.method}), with MyBatis's exception as cause.
 * Thread-safe, as the mapper it wraps.
 */
public final class TranslatingMapper implements InvocationHandler {

    /** Turns a failure of a statement into a DatabaseError. */
    @FunctionalInterface
    public interface Translator {
        /** @param statement {@code MapperType.method} */
        DatabaseError translate(Throwable error, String statement);
    }

    private final Object target;
    private final String mapperName;
    private final Translator translator;

    private TranslatingMapper(Object target, String mapperName, Translator translator) {
        this.target = target;
        this.mapperName = mapperName;
        this.translator = translator;
    }

    /** A proxy of {@code type} that delegates to {@code target} and translates its failures. */
    public static <M> M wrap(Class<M> type, M target, Translator translator) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                new TranslatingMapper(target, type.getName(), translator)));
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
            if (!method.canAccess(target)) {
                method.setAccessible(true); // a package-private mapper interface
            }
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Error error) {
                throw error;
            }
            throw translator.translate(cause, mapperName + "." + method.getName());
        }
    }
}
