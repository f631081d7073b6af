package dev.pgkeeper.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one {@link PrivateServer} per test class, injected as a {@code PrivateServer} parameter into
 * constructors, lifecycle methods and test methods, and closes it (data directory included) after the
 * class. Use through {@link PrivateServerTest}.
 */
public final class PrivateServerExtension implements ParameterResolver, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PrivateServerExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == PrivateServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        ExtensionContext classContext = extensionContext;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent("server", key -> PrivateServer.startNew(),
                PrivateServer.class);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        PrivateServer server = context.getStore(NAMESPACE).remove("server", PrivateServer.class);
        if (server != null) {
            server.close();
        }
    }
}
