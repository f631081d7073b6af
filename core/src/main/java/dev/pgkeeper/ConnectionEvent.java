package dev.pgkeeper;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A change in a {@link ConnectionManager}'s connection, delivered to {@link ConnectionListener}s.
 *
 * @param type      what happened
 * @param phase     the phase after the change
 * @param at        when it happened
 * @param attempt   for {@link Type#RETRYING}: failed attempts since the last success, else 0
 * @param nextDelay for {@link Type#RETRYING}: the wait before the next attempt, else {@code null}
 * @param error     the failure behind the event, or {@code null} for {@link Type#CONNECTED} and {@link Type#DISCONNECTED}
 */
public record ConnectionEvent(Type type, ConnectionPhase phase, Instant at, int attempt, Duration nextDelay,
                              DatabaseError error) {

    /**
     * @param type what happened
     * @param phase the phase after the change
     * @param at when it happened
     * @param attempt for {@link Type#RETRYING}: failed attempts since the last success, else 0
     * @param nextDelay for {@link Type#RETRYING}: the wait before the next attempt, else {@code null}
     * @param error the failure behind the event, or {@code null} for {@link Type#CONNECTED} and
     *     {@link Type#DISCONNECTED}
     * @throws NullPointerException if {@code type}, {@code phase} or {@code at} is {@code null}
     */
    public ConnectionEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(at, "at");
    }

    /** Kinds of events. */
    public enum Type {
        /** A connection was established (first time, after an outage, or by {@code reconnect()}). */
        CONNECTED,
        /**
         * An attempt failed with a temporary error and another follows after {@code nextDelay}: a backoff
         * retry of {@code initializeConnection()}, or a turn of the reconnect loop.
         */
        RETRYING,
        /** The server became unreachable while connected; the reconnect loop starts. */
        CONNECTION_LOST,
        /**
         * While connected, a probe found the same server (same system identifier, address and port) with a new
         * start time: it restarted. The pool drops the connections it had (idle ones now, lent ones when they
         * come back; none is aborted) and the phase stays {@link ConnectionPhase#CONNECTED}. Another server
         * answering behind the same address is not a restart and is not announced.
         */
        SERVER_RESTARTED,
        /**
         * With several hosts and a primary required ({@code target_session_attrs=read-write}), another host became
         * the primary (a switchover or failover) and the pool now connects there; the pool to the old primary
         * was retired at once. The phase is {@link ConnectionPhase#CONNECTED}. After an outage without a
         * primary, finding the new one is announced as {@link #CONNECTED}.
         */
        PRIMARY_CHANGED,
        /**
         * An attempt failed with a permanent error and the manager entered {@link ConnectionPhase#FAILED}:
         * no more backoff retries or probes from calls, only the reconnect loop.
         */
        FAILED,
        /** {@code disconnect()} closed the pools; the last event of a session. */
        DISCONNECTED
    }
}
