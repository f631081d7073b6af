package dev.pgkeeper.internal.pool;

import java.time.Instant;
import java.util.Objects;

/**
 * Which PostgreSQL server answered a probe, and since when it runs. Two answers come from the same server
 * when its system identifier (from {@code pg_control_system()}, fixed at initdb and shared only with physical
 * standbys cloned from it) and its address and port as the server sees them are the same. The same server
 * with another start time has restarted; another server behind the same address (a load balancer, a DNS name
 * over several hosts) is not a restart.
 *
 * @param systemIdentifier the cluster's system identifier, or {@code null} where the server does not say
 * @param address          {@code inet_server_addr()}, or {@code null} over a Unix socket
 * @param port             {@code inet_server_port()}, or 0 over a Unix socket
 * @param startedAt        {@code pg_postmaster_start_time()}
 */
public record ServerIdentity(String systemIdentifier, String address, int port, Instant startedAt) {

    /** @throws NullPointerException if {@code startedAt} is {@code null} */
    public ServerIdentity {
        Objects.requireNonNull(startedAt, "startedAt");
    }

    /** Whether {@code other} is the same server, whatever its start time. */
    public boolean sameServerAs(ServerIdentity other) {
        return Objects.equals(systemIdentifier, other.systemIdentifier) && Objects.equals(address, other.address)
                && port == other.port;
    }

    /** Whether {@code later} is this server after a restart. */
    public boolean restartedAs(ServerIdentity later) {
        return sameServerAs(later) && !startedAt.equals(later.startedAt);
    }

    @Override
    public String toString() {
        return (address == null ? "local socket" : address + ":" + port) + " (system " + systemIdentifier
                + ", started " + startedAt + ")";
    }
}
