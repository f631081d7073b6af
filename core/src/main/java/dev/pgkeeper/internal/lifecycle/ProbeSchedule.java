package dev.pgkeeper.internal.lifecycle;

import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * When a call may start the next probe of a server that is down, so that one instance notices a restart within
 * tens of milliseconds while a fleet of them does not hammer a server that stays down or is still starting.
 *
 * <ul>
 *   <li>The outage starts with the first failed probe. For its first {@code DB_PROBE_FAST_PERIOD} (2 s) the gap
 *       between probes is {@code DB_PROBE_INTERVAL} (20 ms).</li>
 *   <li>After that each failed probe doubles the gap, up to {@code DB_PROBE_MAX_INTERVAL} (300 ms).</li>
 *   <li>An answer that says the server is there but cannot take us yet (57P03, starting up or shutting down;
 *       53300, too many connections) costs the server a process, so the gap after it is at least 100 ms (or the
 *       maximum, when that is shorter), in the fast period too.</li>
 *   <li>Each gap is drawn at random between 75 % and 100 % of the above, so instances that lost the same server
 *       at the same moment drift apart.</li>
 *   <li>A gap counts from the start of the failed probe (so at most one probe starts per gap), and never ends
 *       before the probe did; a probe that answers ends the outage.</li>
 * </ul>
 * The periodic reconnect loop ({@code DB_RECONNECT_INTERVAL}) probes on its own clock; its failures count here
 * too.
 *
 * <p>Thread-safe.
 */
public final class ProbeSchedule {

    /** How much of a gap may be cut at random: each is drawn from [1 - JITTER, 1] times the schedule's. */
    static final double JITTER = 0.25;
    /** The first gap after a refused login; see {@link #afterRefusedLogin}. */
    static final Duration REFUSED_LOGIN_GAP = Duration.ofSeconds(1);
        /** The least gap after the server answered "not now", unless the maximum gap is shorter. */
    static final Duration NOT_READY_GAP = Duration.ofMillis(100);

    private final long firstNanos;
    private final long fastNanos;
    private final long maxNanos;
    private final long notReadyNanos;
    private final DoubleSupplier random;

    private boolean down;
    private long outageStart;
    private long gapNanos;
    private long nextAt;

    /**
     * @param first  the gap in the fast period
     * @param fast   how long the fast period lasts
     * @param max    the longest gap
     * @param random numbers in [0, 1), for the jitter
     */
    ProbeSchedule(Duration first, Duration fast, Duration max, DoubleSupplier random) {
        this.firstNanos = first.toNanos();
        this.fastNanos = fast.toNanos();
        this.maxNanos = Math.max(firstNanos, max.toNanos());
        this.notReadyNanos = Math.max(firstNanos, Math.min(maxNanos, NOT_READY_GAP.toNanos()));
        this.random = random;
    }

    /** The schedule {@code config} asks for. */
    public static ProbeSchedule of(DatabaseConfig config) {
        return new ProbeSchedule(config.probeInterval(), config.probeFastPeriod(), config.probeMaxInterval(),
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * The pace of logins after the server refused one (28P01, 28000): the first again after 1 s (or
     * {@code DB_RECONNECT_INTERVAL}, if shorter), then each gap doubled up to {@code DB_RECONNECT_INTERVAL}, cut at
     * random by up to a quarter like every gap. Failed logins are what {@code auth_delay}, {@code fail2ban} and
     * intrusion detection count, and a refused password rarely becomes right on its own.
     */
    public static ProbeSchedule afterRefusedLogin(DatabaseConfig config) {
        Duration first = config.reconnectInterval().compareTo(REFUSED_LOGIN_GAP) < 0
                ? config.reconnectInterval() : REFUSED_LOGIN_GAP;
        return new ProbeSchedule(first, Duration.ZERO, config.reconnectInterval(),
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * Whether a call arriving at {@code now} ({@link System#nanoTime()}) may start a probe; if so, the next may
     * start no sooner than one gap later, until the probe's outcome sets the next time ({@link #failed}).
     */
    synchronized boolean claim(long now) {
        if (!down) {
            begin(now);
        } else if (now - nextAt < 0) {
            return false;
        }
        nextAt = now + jittered(gapNanos);
        return true;
    }

    /**
     * A probe that started at {@code startedAt} failed at {@code now} ({@link System#nanoTime()}) with
     * {@code error}: sets when the next may start.
     */
    void failed(long startedAt, long now, DatabaseError error) {
        failed(startedAt, now, notReady(error));
    }

    /**
     * A probe that started at {@code startedAt} failed at {@code now}: sets when the next may start.
     *
     * @param notReady whether the server answered that it cannot take connections yet
     */
    synchronized void failed(long startedAt, long now, boolean notReady) {
        if (!down) {
            begin(now);
        } else if (now - outageStart >= fastNanos) {
            gapNanos = Math.min(maxNanos, gapNanos * 2);
        }
        long next = startedAt + jittered(notReady ? Math.max(gapNanos, notReadyNanos) : gapNanos);
        nextAt = next - now > 0 ? next : now;
    }

    /**
     * Like {@link #claim}, except when no failure has been counted since the last answer: then the call counts one
     * at {@code now} and claims nothing, so the first retry waits a whole gap (for a failure learnt of elsewhere,
     * such as a refused login at start-up).
     */
    synchronized boolean claimAfterAGap(long now) {
        if (!down) {
            failed(now, now, false);
            return false;
        }
        return claim(now);
    }

    /** A probe answered: the outage is over, and the next one starts with the fast period again. */
    synchronized void connected() {
        down = false;
    }

    /** How long after {@code now} a call may start the next probe; zero when it may now, or when not down. */
    synchronized long nanosUntilNext(long now) {
        return down ? Math.max(0, nextAt - now) : 0;
    }

    /** Whether {@code error} says the server is there but cannot take a connection yet (57P03 or 53300). */
    static boolean notReady(DatabaseError error) {
        String state = error == null ? null : error.sqlState();
        return "57P03".equals(state) || "53300".equals(state);
    }

    private void begin(long now) {
        down = true;
        outageStart = now;
        gapNanos = firstNanos;
    }

    private long jittered(long gap) {
        double factor = 1 - JITTER * Math.min(1, Math.max(0, random.getAsDouble()));
        return (long) (gap * factor);
    }

    @Override
    public synchronized String toString() {
        return down ? "ProbeSchedule[down, gap " + TimeUnit.NANOSECONDS.toMillis(gapNanos) + " ms]" : "ProbeSchedule[up]";
    }
}
