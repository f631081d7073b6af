package dev.pgkeeper.micrometer;

import dev.pgkeeper.ConnectionEvent;
import dev.pgkeeper.ConnectionPhase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;

/**
 * Turns a manager's events into outage meters. An outage begins when the phase goes from
 * {@link ConnectionPhase#CONNECTED} to {@link ConnectionPhase#RECONNECTING} or {@link ConnectionPhase#FAILED}
 * (counted, and timed as a long task while it lasts) and ends at the next {@link ConnectionPhase#CONNECTED}
 * (its length, between the two events' timestamps, is recorded as the time to recovery) or at
 * {@link ConnectionPhase#DISCONNECTED} (abandoned: no recovery is recorded). Failures before the first
 * connection are not outages.
 *
 * <p>Not thread-safe: fed by the manager's event thread only, one event at a time.
 */
final class OutageAccounting {

    private final Counter outages;
    private final LongTaskTimer ongoing;
    private final Timer recovery;
    private ConnectionPhase phase;
    private Instant lostAt;
    private LongTaskTimer.Sample sample;

    /** @param phase the manager's phase when the meters are bound */
    OutageAccounting(ConnectionPhase phase, Counter outages, LongTaskTimer ongoing, Timer recovery) {
        this.phase = phase;
        this.outages = outages;
        this.ongoing = ongoing;
        this.recovery = recovery;
    }

    void on(ConnectionEvent event) {
        ConnectionPhase next = event.phase();
        if (lostAt == null && phase == ConnectionPhase.CONNECTED
                && (next == ConnectionPhase.RECONNECTING || next == ConnectionPhase.FAILED)) {
            outages.increment();
            lostAt = event.at();
            sample = ongoing.start();
        } else if (lostAt != null && (next == ConnectionPhase.CONNECTED || next == ConnectionPhase.DISCONNECTED)) {
            if (next == ConnectionPhase.CONNECTED) {
                // Wall-clock timestamps of the manager's clock: a clock stepped backwards must not record < 0.
                Duration d = Duration.between(lostAt, event.at());
                recovery.record(d.isNegative() ? Duration.ZERO : d);
            }
            sample.stop();
            lostAt = null;
            sample = null;
        }
        phase = next;
    }

    /** Whether an outage is under way. */
    boolean inOutage() {
        return lostAt != null;
    }
}
