package dev.pgkeeper.internal.hosts;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.ServerRole;
import dev.pgkeeper.internal.pool.ProbeResult;
import dev.pgkeeper.internal.url.ConnectionUrl.HostPort;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last thing measured about each host a manager knows, from probes of the lifecycle and of the read router.
 * Hosts are listed in the order they were first named. Thread-safe.
 */
public final class HostBoard {

    /**
     * One host's last measurement.
     *
     * @param lagMillis a standby's replay lag, -1 when not known
     * @param error     why the last probe failed, or {@code null}
     */
    public record Report(HostPort host, boolean reachable, ServerRole role, long lagMillis, ErrorCode error,
                         Instant at) {
        /** Whether this host is a standby that answered, no further behind than {@code maxLagMillis}. */
        public boolean isStandbyWithin(long maxLagMillis) {
            return reachable && role == ServerRole.STANDBY && lagMillis >= 0 && lagMillis <= maxLagMillis;
        }
    }

    private final Clock clock;
    private final Map<HostPort, Report> reports = new LinkedHashMap<>();

    /** @param clock timestamps the reports */
    public HostBoard(Clock clock) {
        this.clock = clock;
    }

    /** Lists {@code hosts} as not measured yet, unless they are listed already. */
    public synchronized void register(List<HostPort> hosts) {
        for (HostPort h : hosts) {
            reports.putIfAbsent(h, new Report(h, false, ServerRole.UNKNOWN, -1, null, clock.instant()));
        }
    }

    /** Records an answer from {@code host}. */
    public synchronized void answered(HostPort host, ProbeResult result) {
        reports.put(host, new Report(host, true, result.role(), result.role() == ServerRole.STANDBY
                ? result.lagMillis() : 0, null, clock.instant()));
    }

    /** Records a failed probe of {@code host}. */
    public synchronized void failed(HostPort host, DatabaseError error) {
        reports.put(host, new Report(host, false, ServerRole.UNKNOWN, -1, error.code(), clock.instant()));
    }

    /** The last report of {@code host}, or {@code null} if it was never named. */
    public synchronized Report get(HostPort host) {
        return reports.get(host);
    }

    /** Every host's last report, in the order they were first named. */
    public synchronized List<Report> all() {
        return new ArrayList<>(reports.values());
    }
}
