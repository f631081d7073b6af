package dev.pgkeeper.mybatis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import org.apache.ibatis.executor.Executor;
import org.apache.ibatis.executor.statement.StatementHandler;
import org.junit.jupiter.api.Test;

/**
 * Which objects the cursor plugin wraps. MyBatis offers it every executor and handler of every statement;
 * wrapping them all (MyBatis's default) cost a short select about a fifth of its client CPU.
 */
class CursorFetchSizeTest {

    private final CursorFetchSize plugin = new CursorFetchSize();
    private final StatementHandler handler = stub(StatementHandler.class);

    @Test
    void aStatementHandlerIsLeftAloneWhenNoCursorIsOpening() {
        assertThat(plugin.plugin(handler)).isSameAs(handler);
    }

    @Test
    void aStatementHandlerCreatedWhileACursorOpensIsWrapped() {
        Object wrapped = plugin.during(() -> plugin.plugin(handler));

        assertThat(wrapped).isNotSameAs(handler).isInstanceOf(StatementHandler.class);
        assertThat(Proxy.isProxyClass(wrapped.getClass())).isTrue();
    }

    @Test
    void onlyStatementHandlersAndOnlyOnTheOpeningThread() throws Exception {
        Executor executor = stub(Executor.class);

        Object[] seen = plugin.during(() -> new Object[] {plugin.plugin(executor),
                CompletableFuture.supplyAsync(() -> plugin.plugin(handler)).join()});

        assertThat(seen[0]).as("an executor").isSameAs(executor);
        assertThat(seen[1]).as("a handler created on another thread").isSameAs(handler);
        assertThat(plugin.plugin(handler)).as("after the cursor opened").isSameAs(handler);
    }

    /** An object of the interface that MyBatis would pass; none of its own methods is called. */
    private static <T> T stub(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) ->
                switch (method.getName()) {
                    case "toString" -> "a " + type.getSimpleName();
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                }));
    }
}
