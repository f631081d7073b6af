package dev.pgkeeper;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What the manager last measured about one host of its URLs ({@link ConnectionManager#hosts()}).
 *
 * @param host         {@code host:port} as written in the URL
 * @param reachable    whether the last probe of this host got an answer
 * @param role         what the host answered; {@link ServerRole#UNKNOWN} when it did not
 * @param replayLag    a standby's replay lag (zero when it has replayed all the WAL it received); {@code null} for
 *                     a primary or when not known
 * @param servesWrites whether the manager's pool connects to this host now
 * @param servesReads  whether {@link ConnectionManager#readDataSource()} sends reads to this host now (a
 *                     reachable standby within {@code DB_MAX_REPLICA_LAG})
 * @param checkedAt    when it was last measured
 * @param error        why the last probe failed, or {@code null}
 */
public record HostStatus(String host, boolean reachable, ServerRole role, Duration replayLag, boolean servesWrites,
                         boolean servesReads, Instant checkedAt, ErrorCode error) {

    /**
     * @param host {@code host:port} as written in the URL
     * @param reachable whether the last probe of this host got an answer
     * @param role what the host answered; {@link ServerRole#UNKNOWN} when it did not
     * @param replayLag a standby's replay lag (zero when it has replayed all the WAL it received); {@code null} for a
     *     primary or when not known
     * @param servesWrites whether the manager's pool connects to this host now
     * @param servesReads whether {@link ConnectionManager#readDataSource()} sends reads to this host now (a reachable
     *     standby within {@code DB_MAX_REPLICA_LAG})
     * @param checkedAt when it was last measured
     * @param error why the last probe failed, or {@code null}
     * @throws NullPointerException if {@code host}, {@code role} or {@code checkedAt} is {@code null}
     */
    public HostStatus {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(checkedAt, "checkedAt");
    }
}
