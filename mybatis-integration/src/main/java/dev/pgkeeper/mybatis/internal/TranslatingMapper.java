package dev.pgkeeper.mybatis.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;

/**
 * Wraps a MyBatis mapper: each call runs through the {@link TransactionRunner} (in the thread's transaction,
 * or in an autocommit session of its own), and a database failure reaches the caller as a categorized
 * {@link dev.pgkeeper.DatabaseError} naming the statement ({@code MapperType.method}). Thread-safe, as the
 * mapper it wraps.
 */
public final class TranslatingMapper implements InvocationHandler {

    private final Object target;
    private final String mapperName;
    private final boolean publicInterface;
    private final TransactionRunner runner;

    private TranslatingMapper(Object target, Class<?> type, TransactionRunner runner) {
        this.target = target;
        this.mapperName = type.getName();
        this.publicInterface = Modifier.isPublic(type.getModifiers());
        this.runner = runner;
    }

    /** A proxy of {@code type} that runs {@code target}'s methods through {@code runner}. */
    public static <M> M wrap(Class<M> type, M target, TransactionRunner runner) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                new TranslatingMapper(target, type, runner)));
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
        if (!publicInterface) {
            method.trySetAccessible(); // a package-private mapper interface
        }
        return runner.runStatement(mapperName + "." + method.getName(), () -> method.invoke(target, args));
    }
}
