package dev.pgkeeper.internal.lifecycle;

import dev.pgkeeper.BorrowObserver;
import dev.pgkeeper.ErrorCode;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The {@link BorrowObserver}s of a manager, shared by its two DataSources. Reading them costs one volatile read,
 * so a DataSource without observers does not even read the clock.
 *
 * <p>Thread-safe: registration copies the array under a lock; notification reads it without one.
 */
public final class BorrowObservers {

    private static final Logger LOG = LogManager.getLogger(BorrowObservers.class);

    private final Function<Throwable, ErrorCode> categorize;
    private volatile BorrowObserver[] observers = new BorrowObserver[0];

    /** @param categorize the failure's category, as the manager gives it */
    public BorrowObservers(Function<Throwable, ErrorCode> categorize) {
        this.categorize = categorize;
    }

    /** Adds {@code observer} unless it is registered already. */
    public synchronized void add(BorrowObserver observer) {
        Objects.requireNonNull(observer, "observer");
        if (Arrays.asList(observers).contains(observer)) {
            return;
        }
        BorrowObserver[] now = Arrays.copyOf(observers, observers.length + 1);
        now[now.length - 1] = observer;
        observers = now;
    }

    /** Removes {@code observer}; does nothing if it is not registered. */
    public synchronized void remove(BorrowObserver observer) {
        observers = Arrays.stream(observers).filter(o -> !o.equals(observer)).toArray(BorrowObserver[]::new);
    }

    /** Whether there is nobody to tell. */
    boolean isEmpty() {
        return observers.length == 0;
    }

    void borrowed(boolean reads, long elapsedNanos) {
        for (BorrowObserver o : observers) {
            try {
                o.borrowed(reads, elapsedNanos);
            } catch (RuntimeException e) {
                LOG.warn("Borrow observer {} failed", o, e);
            }
        }
    }

    void failed(boolean reads, long elapsedNanos, Throwable failure) {
        BorrowObserver[] now = observers;
        if (now.length == 0) {
            return;
        }
        ErrorCode code = categorize.apply(failure);
        for (BorrowObserver o : now) {
            try {
                o.failed(reads, elapsedNanos, code);
            } catch (RuntimeException e) {
                LOG.warn("Borrow observer {} failed", o, e);
            }
        }
    }
}
