package dev.pgkeeper;

import dev.failsafe.spi.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Failsafe scheduler that records every delay it is asked for and runs the task at once, so tests can
 * check a retry schedule without sleeping it.
 */
final class RecordingScheduler implements Scheduler, AutoCloseable {

    private final List<Long> delaysMillis = new ArrayList<>();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "recording-scheduler");
        t.setDaemon(true);
        return t;
    });

    @Override
    public ScheduledFuture<?> schedule(Callable<?> callable, long delay, TimeUnit unit) {
        synchronized (delaysMillis) {
            delaysMillis.add(unit.toMillis(delay));
        }
        return executor.schedule(callable, 0, TimeUnit.MILLISECONDS);
    }

    /** The delays asked for so far, in order. */
    List<Long> delaysMillis() {
        synchronized (delaysMillis) {
            return List.copyOf(delaysMillis);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
