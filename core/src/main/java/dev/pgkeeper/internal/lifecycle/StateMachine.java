package dev.pgkeeper.internal.lifecycle;

import dev.pgkeeper.ConnectionEvent;
import dev.pgkeeper.ConnectionListener;
import dev.pgkeeper.ConnectionPhase;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The one owner of a manager's {@link ConnectionState}: every change goes through {@link #apply}, which
 * decides on the current state, replaces it, and queues the change's event, all under one lock that guards
 * nothing else and is never held across I/O, a listener or another lock. Readers take {@link #current()}
 * without locking. Because a transition is decided on the state it replaces, one that lost a race (the
 * manager was disconnected, another probe connected first) is simply not applied, and publishes nothing.
 *
 * <p>Thread-safe.
 */
public final class StateMachine {

    /** A change of state: the next state, or {@code null} when the change does not apply to {@code current}. */
    @FunctionalInterface
    public interface Change extends UnaryOperator<ConnectionState> {
    }

    /** The event that announces a transition, or {@code null} for a transition listeners need not see. */
    @FunctionalInterface
    public interface Announcement {
        /** Builds the event; the event's phase is {@code after}'s. */
        ConnectionEvent.Type type(ConnectionState before, ConnectionState after);
    }

    /**
     * An applied transition.
     *
     * @param before the state it replaced
     * @param after  the state now
     */
    public record Transition(ConnectionState before, ConnectionState after) {
    }

    private final Object lock = new Object();
    private final EventDispatcher listeners = new EventDispatcher();
    private final AtomicLong sessions = new AtomicLong();
    private final String managerName;
    private final Clock clock;
    private final Supplier<ProbeSchedule> schedules;
    private volatile ConnectionState state = ConnectionState.initial();

    /**
     * @param managerName names the sessions' threads
     * @param clock       stamps events and connections
     * @param schedules   makes each session's probe schedule
     */
    public StateMachine(String managerName, Clock clock, Supplier<ProbeSchedule> schedules) {
        this.managerName = managerName;
        this.clock = clock;
        this.schedules = schedules;
    }

    /** The state now. */
    public ConnectionState current() {
        return state;
    }

    /** The clock that stamps events and connections. */
    public Clock clock() {
        return clock;
    }

    /**
     * Applies {@code change} if it applies to the current state, and queues its event.
     *
     * @param details what the event carries: attempt, next delay and error (the error defaults to the new
     *                state's last error)
     * @return the transition, or {@code null} when {@code change} did not apply
     */
    public Transition apply(Change change, Announcement announcement, EventDetails details) {
        synchronized (lock) {
            ConnectionState before = state;
            ConnectionState after = change.apply(before);
            if (after == null) {
                return null;
            }
            state = after;
            ConnectionEvent.Type type = announcement == null ? null : announcement.type(before, after);
            if (type != null) {
                listeners.publish(details.event(type, after, clock), after.session().threads().events());
            }
            return new Transition(before, after);
        }
    }

    /** {@link #apply(Change, Announcement, EventDetails)} with no event. */
    public Transition applyQuietly(Change change) {
        return apply(change, null, EventDetails.NONE);
    }

    /**
     * Starts a session if none runs: NOT_INITIALIZED or DISCONNECTED becomes CONNECTING in a new session
     * (no event: the first attempt's outcome is announced).
     *
     * @return the session running now
     */
    public Session begin() {
        synchronized (lock) {
            ConnectionState s = state;
            if (!s.isIdle()) {
                return s.session();
            }
            Session session = new Session(sessions.incrementAndGet(), managerName, schedules.get());
            state = s.connecting(session);
            return session;
        }
    }

    /**
     * Ends the running session: DISCONNECTED, announced as the session's last event.
     *
     * @return the transition, or {@code null} when no session runs
     */
    public Transition end() {
        return apply(s -> s.isIdle() ? null : s.disconnected(), (b, a) -> ConnectionEvent.Type.DISCONNECTED,
                EventDetails.NONE);
    }

    /** Registers a listener. */
    public void addListener(ConnectionListener listener) {
        listeners.add(listener);
    }

    /** Removes a listener. */
    public void removeListener(ConnectionListener listener) {
        listeners.remove(listener);
    }

    /**
     * What an event carries besides its type and phase.
     *
     * @param attempt   failed attempts so far, for RETRYING; {@code -1} for the new state's retry count
     * @param nextDelay the wait before the next attempt, for RETRYING
     */
    public record EventDetails(int attempt, java.time.Duration nextDelay) {
        /** Nothing beyond type, phase and error. */
        public static final EventDetails NONE = new EventDetails(0, null);

        /** A retry after {@code delay}, counting the new state's failed attempts. */
        public static EventDetails retryAfter(java.time.Duration delay) {
            return new EventDetails(-1, delay);
        }

        ConnectionEvent event(ConnectionEvent.Type type, ConnectionState after, Clock clock) {
            boolean retrying = type == ConnectionEvent.Type.RETRYING;
            return new ConnectionEvent(type, after.phase(), clock.instant(),
                    retrying ? (attempt < 0 ? after.retryCount() : attempt) : 0, retrying ? nextDelay : null,
                    after.phase() == ConnectionPhase.CONNECTED || type == ConnectionEvent.Type.DISCONNECTED
                            ? null : after.lastError());
        }
    }
}
