package dev.pgkeeper.internal.hosts;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.ServerRole;
import dev.pgkeeper.internal.config.DriverSettings;
import dev.pgkeeper.internal.pool.ProbeResult;
import dev.pgkeeper.internal.pool.Prober;
import dev.pgkeeper.internal.url.ConnectionUrl.HostPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Probes every host of a several-host URL at once, each on its own connection that asks the host's role and
 * replay lag ({@link Prober}), and records what each said on the {@link HostBoard}. Finding the primary
 * returns as soon as one host answers as primary, so a silent host costs nothing while another answers; the
 * other probes finish on their own threads and close their connections.
 *
 * <p>Thread-safe.
 */
public final class HostProbes {

    /** How much longer than a probe's bound the caller waits for the probes' threads to report. */
    private static final long SLACK_MILLIS = 250;

    private final List<HostPort> hosts;
    private final List<Prober> probers = new ArrayList<>();
    private final HostBoard board;
    private final String hostList;

    /** Probes the hosts of {@code settings}, each alone and whatever its role; reports go to {@code board}. */
    public HostProbes(DriverSettings settings, HostBoard board) {
        this.hosts = settings.hosts();
        this.board = board;
        this.hostList = settings.target().hosts();
        for (HostPort h : hosts) {
            probers.add(new Prober(settings.forHostAnyRole(h)));
        }
        board.register(hosts);
    }

    /** The hosts, in URL order. */
    public List<HostPort> hosts() {
        return hosts;
    }

    /**
     * Probes all hosts within {@code bound} and returns the first that answers as primary, its connection
     * open (see {@link ProbeResult}).
     *
     * @throws DatabaseError when no host answers as primary: temporary ({@link ErrorCode#NETWORK_ERROR}) while
     *                       any host is a standby or failed temporarily, else the first host's permanent failure
     */
    public ProbeResult findPrimary(Duration bound, Executor executor) {
        return first(r -> r.role() == ServerRole.PRIMARY, bound, executor);
    }

    /** Probes all hosts within {@code bound}, records what they said and closes every connection. */
    public void survey(Duration bound, Executor executor) {
        try {
            first(r -> false, bound, executor);
        } catch (DatabaseError expected) {
            // nothing was wanted but the reports
        }
    }

    private ProbeResult first(Predicate<ProbeResult> wanted, Duration bound, Executor executor) {
        CompletableFuture<ProbeResult> found = new CompletableFuture<>();
        AtomicInteger left = new AtomicInteger(hosts.size());
        List<String> findings = Collections.synchronizedList(new ArrayList<>());
        List<DatabaseError> failures = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < hosts.size(); i++) {
            HostPort host = hosts.get(i);
            Prober prober = probers.get(i);
            Runnable probe = () -> {
                ProbeResult r = null;
                try {
                    r = prober.probe(bound);
                    board.answered(host, r);
                    if (wanted.test(r) && found.complete(r)) {
                        r = null; // handed over with its connection
                    } else {
                        findings.add(host + " is " + (r.role() == ServerRole.PRIMARY ? "a primary" : "a standby"));
                    }
                } catch (DatabaseError e) {
                    board.failed(host, e);
                    failures.add(e);
                    findings.add(host + ": " + e.getMessage() + " [" + e.code() + "]");
                } catch (RuntimeException e) {
                    findings.add(host + ": " + e);
                } finally {
                    if (r != null) {
                        r.close();
                    }
                    if (left.decrementAndGet() == 0) {
                        found.completeExceptionally(noPrimary(findings, failures));
                    }
                }
            };
            try {
                executor.execute(probe);
            } catch (RejectedExecutionException e) {
                found.completeExceptionally(new DatabaseError(ErrorCode.NOT_INITIALIZED,
                        "The probes of " + hostList + " were stopped: the manager was disconnected"));
            }
        }
        try {
            return found.get(bound.toMillis() + SLACK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return giveUp(found, new DatabaseError(ErrorCode.UNKNOWN_ERROR, "Interrupted while probing " + hostList));
        } catch (TimeoutException e) {
            return giveUp(found, new DatabaseError(ErrorCode.NETWORK_ERROR, "No host of " + hostList
                    + " answered as primary within " + bound.toMillis() + " ms"));
        } catch (ExecutionException e) {
            throw (DatabaseError) e.getCause();
        }
    }

    /** Ends the wait with {@code error}, unless a primary was handed over at the last moment. */
    private static ProbeResult giveUp(CompletableFuture<ProbeResult> found, DatabaseError error) {
        if (found.completeExceptionally(error)) {
            throw error;
        }
        try {
            return found.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw (DatabaseError) e.getCause();
        }
    }

    private DatabaseError noPrimary(List<String> findings, List<DatabaseError> failures) {
        List<DatabaseError> all = List.copyOf(failures);
        if (all.size() == hosts.size() && all.stream().noneMatch(DatabaseError::isTemporary)) {
            return all.get(0); // every host refused us for good (a wrong password, say): retrying will not help
        }
        return new DatabaseError(ErrorCode.NETWORK_ERROR, "No primary among " + hostList + ": "
                + String.join("; ", List.copyOf(findings)), List.of(
                "During a switchover or failover this lasts until the cluster manager (Patroni, for example) promotes"
                        + " a standby; pgkeeper probes all hosts again while calls arrive and uses the new primary"
                        + " as soon as it answers",
                "If it lasts, check that one of " + hostList + " runs as primary (SELECT pg_is_in_recovery() is false)"
                        + " and accepts connections"),
                Map.of("host", hostList), all.isEmpty() ? null : all.get(0));
    }
}
