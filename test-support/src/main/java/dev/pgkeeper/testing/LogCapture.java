package dev.pgkeeper.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures every Log4j event (including pgjdbc's java.util.logging and HikariCP's SLF4J output, when
 * those are bridged to Log4j as this project's tests do) at every level while open, with the message,
 * the logger name and the full text of any attached throwable.
 *
 * <p>While open, the root logger's level is lowered to ALL so nothing escapes the capture; the previous
 * level is restored on {@link #close()}. Not for concurrent use by several tests at once.
 */
public final class LogCapture implements AutoCloseable {

    private final CapturingAppender appender;
    private final LoggerContext context;
    private final Level previousRootLevel;

    private LogCapture() {
        context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        appender = new CapturingAppender("capture-" + UUID.randomUUID());
        appender.start();
        LoggerConfig root = config.getRootLogger();
        previousRootLevel = root.getLevel();
        config.getLoggers().values().forEach(lc -> lc.addAppender(appender, Level.ALL, null));
        root.addAppender(appender, Level.ALL, null);
        root.setLevel(Level.ALL);
        config.getLoggers().values().forEach(lc -> lc.setLevel(Level.ALL));
        context.updateLoggers();
    }

    /** Starts capturing. */
    public static LogCapture start() {
        return new LogCapture();
    }

    /** Every line captured so far: {@code LEVEL logger - message} followed by any throwable's text. */
    public List<String> lines() {
        synchronized (appender.lines) {
            return List.copyOf(appender.lines);
        }
    }

    /** All captured text joined by newlines. */
    public String text() {
        return String.join("\n", lines());
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        config.getLoggers().values().forEach(lc -> lc.removeAppender(appender.getName()));
        config.getRootLogger().removeAppender(appender.getName());
        config.getRootLogger().setLevel(previousRootLevel);
        context.reconfigure();
        appender.stop();
    }

    private static final class CapturingAppender extends AbstractAppender {
        private final List<String> lines = new ArrayList<>();

        CapturingAppender(String name) {
            super(name, null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            StringBuilder line = new StringBuilder()
                    .append(event.getLevel()).append(' ').append(event.getLoggerName()).append(" - ")
                    .append(event.getMessage().getFormattedMessage());
            Throwable t = event.getThrown();
            while (t != null) {
                line.append("\n  caused by ").append(t);
                for (StackTraceElement e : t.getStackTrace()) {
                    line.append("\n    at ").append(e);
                }
                t = t.getCause();
            }
            synchronized (lines) {
                lines.add(line.toString());
            }
        }
    }
}
