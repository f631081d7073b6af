package dev.pgkeeper.testing;

import java.util.List;
import net.jqwik.api.lifecycle.AfterContainerHook;
import net.jqwik.api.lifecycle.ContainerLifecycleContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails every test class during which a registered password appeared in a log line (see
 * {@link PasswordGuard}). Registered for all JUnit Jupiter classes through extension auto-detection and for
 * all jqwik containers as a global lifecycle hook, both via {@code META-INF/services}, so no test needs to
 * opt in.
 */
public final class PasswordGuardHooks implements AfterAllCallback, AfterContainerHook {

    @Override
    public void afterAll(ExtensionContext context) {
        check(context.getDisplayName());
    }

    @Override
    public void afterContainer(ContainerLifecycleContext context) {
        check(context.label());
    }

    private static void check(String where) {
        List<String> hits = PasswordGuard.drainHits();
        if (!hits.isEmpty()) {
            throw new AssertionError("A password used by the tests appeared in " + hits.size()
                    + " log line(s) during " + where + ":\n" + String.join("\n", hits));
        }
    }
}
