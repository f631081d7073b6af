package dev.pgkeeper.mybatis.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.ibatis.binding.MapperMethod;
import org.apache.ibatis.session.Configuration;

/**
 * Wraps a MyBatis mapper: each call runs through the {@link TransactionRunner} (in the thread's transaction,
 * or in an autocommit session of its own), and a database failure reaches the caller as a categorized
 * {@link dev.pgkeeper.DatabaseError} naming the statement ({@code MapperType.method}). Thread-safe, as the
 * mapper it wraps.
 *
 * <p>An abstract mapper method runs as MyBatis's own mapper proxy would run it, through a cached
 * {@link MapperMethod}, but on the session the runner chooses, which spares each call a second proxy and
 * a reflective call. A default method runs on the wrapped mapper, so the mapper calls it makes join the
 * same session.
 */
public final class TranslatingMapper implements InvocationHandler {

    private final Object target;
    private final Class<?> type;
    private final String mapperName;
    private final boolean publicInterface;
    private final Configuration configuration;
    private final TransactionRunner runner;
    private final Map<Method, MapperMethod> statements = new ConcurrentHashMap<>();

    private TranslatingMapper(Object target, Class<?> type, Configuration configuration, TransactionRunner runner) {
        this.target = target;
        this.type = type;
        this.mapperName = type.getName();
        this.publicInterface = Modifier.isPublic(type.getModifiers());
        this.configuration = configuration;
        this.runner = runner;
    }

    /** A proxy of {@code type} that runs {@code target}'s methods through {@code runner}. */
    public static <M> M wrap(Class<M> type, M target, Configuration configuration, TransactionRunner runner) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                new TranslatingMapper(target, type, configuration, runner)));
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
        if (method.isDefault()) {
            if (!publicInterface) {
                method.trySetAccessible(); // a package-private mapper interface
            }
            return runner.runStatement(mapperName, method, () -> method.invoke(target, args));
        }
        return runner.runMapperMethod(mapperName, method, session -> statements
                .computeIfAbsent(method, m -> new MapperMethod(type, m, configuration)).execute(session, args));
    }
}
