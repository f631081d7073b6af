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
 *       and acts on the answer: installs a pool, notices a restart, follows a new primary, declares the
 *       connection lost. With several hosts and a primary required, a probe is a probe of every host at once
 *       ({@link dev.pgkeeper.internal.hosts.HostProbes}).</li>
 *   <li>{@link dev.pgkeeper.internal.lifecycle.ProbeSchedule} says when calls may start the next probe of a
 *       server that is down: fast at first, then backing off with jitter, so a fleet of instances does not
 *       hammer it.</li>
 *   <li>{@link dev.pgkeeper.internal.lifecycle.Initializer} runs the retry schedule of
 *       {@code initializeConnection()}.</li>
 *   <li>{@link dev.pgkeeper.internal.lifecycle.Session} holds what one run from {@code initializeConnection()}
 *       to {@code disconnect()} owns: threads, replaced pools, the probe in flight, the retry schedule.</li>
 * </ul>
 *
 * <h2>States and transitions</h2>
 * <pre>
 *  from                  what happens                                 event             to
 *  NOT_INITIALIZED,      initializeConnection()                       (none)            CONNECTING
 *    DISCONNECTED
 *  CONNECTING            a probe answered                             CONNECTED         CONNECTED
 *  CONNECTING            attempt failed, a retry is scheduled         RETRYING          CONNECTING
 *  CONNECTING            retries used up on a temporary failure       RETRYING          RECONNECTING
 *  CONNECTING            permanent failure                            FAILED            FAILED
 *  CONNECTED             reconnect() installed a new pool             CONNECTED         CONNECTED
 *  CONNECTED             the same server answered, restarted          SERVER_RESTARTED  CONNECTED
 *  CONNECTED             another host answered as primary (several    PRIMARY_CHANGED   CONNECTED
 *                          hosts, a primary required): new pool there
 *  CONNECTED             no answer after a failure on the pool        CONNECTION_LOST   RECONNECTING
 *  CONNECTED             a login refused (28P01, 28000) or another    FAILED            FAILED
 *                          permanent failure: the pool is retired
 *  RECONNECTING          a probe answered                             CONNECTED         CONNECTED
 *  RECONNECTING          the loop's attempt failed (temporary)        RETRYING          RECONNECTING
 *  RECONNECTING          a probe failed permanently                   FAILED            FAILED
 *  FAILED                the loop's attempt answered, or a call's     CONNECTED         CONNECTED
 *                          after a refused login (password file
 *                          changed, or the gentle retry was due)
 *  FAILED                the loop's attempt failed permanently        RETRYING          FAILED
 *  FAILED                the loop's attempt failed temporarily        RETRYING          RECONNECTING
 *  RECONNECTING, FAILED  initializeConnection() starts a new schedule (none)            CONNECTING
 *  any but the two idle  disconnect()                                 DISCONNECTED      DISCONNECTED
 * </pre>
 * A listener's events always follow this table (a transition without an event is skipped over), a
 * session's last event is DISCONNECTED, and nothing of that session follows it; {@code LifecycleProperties}
 * checks this on random interleavings.
 */
package dev.pgkeeper.internal.lifecycle;
