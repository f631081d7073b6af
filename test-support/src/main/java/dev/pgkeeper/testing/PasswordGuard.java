package dev.pgkeeper.testing;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Core;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginAttribute;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;

/**
 * A Log4j2 appender that watches every log line written during a test run for the passwords the tests use.
 * Tests {@link #register(String) register} each password they put into a URL or a role; the appender
 * checks every event (message and the text of any throwable) for it, plain or percent-encoded, and records
 * a hit. {@link PasswordGuardHooks} fail the test class during which a hit was recorded, so a leaked
 * password fails the build. Configured in each module's {@code log4j2-test.xml} as
 * {@code <PasswordGuard name="passwordGuard"/>} referenced by the root logger.
 *
 * <p>Thread-safe.
 */
@Plugin(name = "PasswordGuard", category = Core.CATEGORY_NAME, elementType = Appender.ELEMENT_TYPE)
public final class PasswordGuard extends AbstractAppender {

    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
    private static final List<String> HITS = new ArrayList<>();
    private static volatile boolean installed;

    private PasswordGuard(String name) {
        super(name, null, null, true, Property.EMPTY_ARRAY);
    }

    /** Log4j2's factory. */
    @PluginFactory
    public static PasswordGuard create(@PluginAttribute("name") String name) {
        installed = true;
        return new PasswordGuard(name == null ? "passwordGuard" : name);
    }

    /** Watches for {@code password} from now on; blank and very short values are ignored (they match anything). */
    public static void register(String password) {
        if (password != null && password.length() >= 6) {
            SECRETS.add(password);
            SECRETS.add(URLEncoder.encode(password, StandardCharsets.UTF_8));
        }
    }

    /** Whether the appender is configured, i.e. the guard is really watching. */
    public static boolean isInstalled() {
        return installed;
    }

    /** Returns and forgets the hits recorded so far: log lines with the password masked. */
    public static List<String> drainHits() {
        synchronized (HITS) {
            List<String> drained = List.copyOf(HITS);
            HITS.clear();
            return drained;
        }
    }

    @Override
    public void append(LogEvent event) {
        if (SECRETS.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder(event.getMessage().getFormattedMessage());
        for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
            text.append('\n').append(t);
        }
        String line = text.toString();
        for (String secret : SECRETS) {
            if (line.contains(secret)) {
                synchronized (HITS) {
                    HITS.add(event.getLevel() + " " + event.getLoggerName() + " - " + mask(line));
                }
                return;
            }
        }
    }

    private static String mask(String line) {
        String masked = line;
        for (String secret : SECRETS) {
            masked = masked.replace(secret, "<registered password>");
        }
        return masked;
    }
}
