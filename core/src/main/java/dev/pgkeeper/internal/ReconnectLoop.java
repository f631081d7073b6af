package dev.pgkeeper.internal;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The manager's periodic task, every {@code DB_RECONNECT_INTERVAL} from {@code initializeConnection()}
 * to {@code disconnect()}: a reconnect attempt while the server is unreachable, a liveness probe while
 * connected. The tick decides which from the manager's state; this class only keeps it scheduled, and
 * keeps an exception in one tick from cancelling the next.
 *
 * <p>Thread-safe.
 */
public final class ReconnectLoop {

    private static final Logger LOG = LogManager.getLogger(ReconnectLoop.class);

    private ScheduledFuture<?> task;

    /** Starts ticking on {@code scheduler}, replacing any earlier task; does nothing if the scheduler is shut down. */
    public synchronized void start(ScheduledExecutorService scheduler, Duration interval, Runnable tick) {
        stop();
        long millis = interval.toMillis();
        Runnable guarded = () -> {
            try {
                tick.run();
            } catch (RuntimeException | LinkageError | AssertionError e) {
                // Anything else thrown here would cancel every later tick without a word.
                LOG.error("Unexpected failure in pgkeeper's reconnect loop", e);
            }
        };
        try {
            task = scheduler.scheduleWithFixedDelay(guarded, millis, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            task = null;
        }
    }

    /** Stops ticking; a tick already running finishes. */
    public synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }
}
