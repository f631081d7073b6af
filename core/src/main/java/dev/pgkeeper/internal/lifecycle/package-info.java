/**
 * A manager's life cycle, in parts with one job each. Not API: may change in any release.
 *
 * <ul>
 *   <li>{@link dev.pgkeeper.internal.lifecycle.StateMachine} alone applies state transitions, each decided
 *       on the state it replaces, and queues each transition's event on the session's one event thread, in
 *       order. Everyone else reads the immutable {@link dev.pgkeeper.internal.lifecycle.ConnectionState}.</li>
 *   <li>{@link dev.pgkeeper.internal.lifecycle.Lender} serves {@code dataSource().getConnection()} with one
 *       deadline per call.</li>
 *   <li>{@link dev.pgkeeper.internal.lifecycle.Watcher} probes the server, one probe in flight per session,
 *       and acts on the answer: installs a pool, notices a restart, declares the connection lost.</li>
 *   <li>{@link dev.pgkeeper.internal.lifecycle.Initializer} runs the retry schedule of
 *       {@code initializeConnection()}.</li>
 *   <li>{@link dev.pgkeeper.internal.lifecycle.Session} holds what one run from {@code initializeConnection()}
 *       to {@code disconnect()} owns: threads, replaced pools, the probe in flight, the retry schedule.</li>
 * </ul>
 *
 * <h2>States and transitions</h2>
 * <pre>
 *                   initializeConnection()
 *  NOT_INITIALIZED ─────────────────────────┐
 *  DISCONNECTED ────────────────────────────┤
 *                                           v
 *                                      CONNECTING ──(attempt failed, retry scheduled: RETRYING)──┐
 *                                           │  ^─────────────────────────────────────────────────┘
 *              (probe answered: CONNECTED)  │  (retries used up: RETRYING to RECONNECTING,
 *                     ┌─────────────────────┤   or permanent failure: FAILED)
 *                     v                     v
 *   ┌─────────────> CONNECTED ──(probe unanswered after a connection failed: CONNECTION_LOST)──> RECONNECTING
 *   │ (reconnect(): CONNECTED)   ^                                                              │  ^     │
 *   └────────────────────────────┤<──────────────(probe answered: CONNECTED)─────────────────────┘  │     │
 *                                │                                  (loop attempt failed: RETRYING) │     │
 *                                │                                                                  │     v
 *                                └─────────────(loop attempt answered: CONNECTED)────────────── FAILED (permanent
 *                                                                                                error: FAILED)
 *  any state but NOT_INITIALIZED and DISCONNECTED ──disconnect(): DISCONNECTED──> DISCONNECTED
 * </pre>
 * Also: a new {@code initializeConnection()} moves RECONNECTING or FAILED back to CONNECTING without an event;
 * a temporary failure of the loop's attempt moves FAILED to RECONNECTING (RETRYING). A restart of the server
 * while CONNECTED keeps the phase and the pool, and drops the pool's connections.
 * The events a listener receives, one per transition, always follow these arrows; a session's last event is
 * DISCONNECTED, and nothing of that session follows it.
 */
package dev.pgkeeper.internal.lifecycle;
