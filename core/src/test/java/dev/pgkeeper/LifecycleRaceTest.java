package dev.pgkeeper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.TestThreads;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Regressions for races between the manager's public calls, against a port where nothing listens (no
 * server needed): each call must return, and nothing may be left running.
 */
class LifecycleRaceTest {

    private static DatabaseConfig closedPort(int maxRetries) {
        return DatabaseConfig.builder()
                .url("postgresql://postgres@127.0.0.1:" + PrivateServer.freePort() + "/postgres")
                .maxRetries(maxRetries).retryBaseDelay(Duration.ofMillis(1))
                .connectionTimeout(Duration.ofMillis(500)).disconnectTimeout(Duration.ofSeconds(2)).build();
    }

    /** The end of the retry sequence racing disconnect() once deadlocked (Failsafe's future lock vs the manager's). */
    @Test
    void disconnectRacingTheEndOfInitializationNeverDeadlocks() throws Exception {
        for (int i = 0; i < 1000; i++) {
            ConnectionManager manager = ConnectionManager.create(closedPort(ThreadLocalRandom.current().nextInt(2)));
            CompletableFuture<ConnectionResult> init = CompletableFuture.supplyAsync(manager::initializeConnection);
            java.util.concurrent.locks.LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(3_000_000));
            CompletableFuture<Void> disconnect = CompletableFuture.runAsync(manager::disconnect);

            awaitOrDumpThreads(disconnect, "disconnect() in iteration " + i);
            awaitOrDumpThreads(init, "initializeConnection() in iteration " + i);
            manager.disconnect(); // when disconnect() won the race, initializeConnection() started afresh
        }
        TestThreads.assertNoPgkeeperThreads();
    }

    /** A listener that calls back into the manager once froze it. */
    @Test
    void aListenerMayCallTheManager() throws Exception {
        ConnectionManager manager = ConnectionManager.create(closedPort(2));
        CopyOnWriteArrayList<ConnectionEvent.Type> seen = new CopyOnWriteArrayList<>();
        manager.addListener(e -> {
            seen.add(e.type());
            if (e.type() != ConnectionEvent.Type.RETRYING) {
                return;
            }
            manager.getConnectionStatus();
            manager.checkHealth();
            if (e.nextDelay().equals(manager.config().reconnectInterval())) {
                manager.disconnect(); // from the event thread itself
            } else if (e.attempt() == 1) {
                manager.initializeConnection(); // joins the attempt under way
            }
        });

        CompletableFuture<ConnectionResult> init = CompletableFuture.supplyAsync(manager::initializeConnection);

        assertThat(awaitOrDumpThreads(init, "initializeConnection()").success()).isFalse();
        dev.pgkeeper.testing.Await.until("the listener disconnected the manager", Duration.ofSeconds(10),
                () -> seen.contains(ConnectionEvent.Type.DISCONNECTED));
        assertThat(manager.getConnectionStatus().phase()).isEqualTo(ConnectionPhase.DISCONNECTED);
        assertThat(seen).contains(ConnectionEvent.Type.RETRYING).endsWith(ConnectionEvent.Type.DISCONNECTED);
        assertThat(seen).filteredOn(t -> t == ConnectionEvent.Type.DISCONNECTED).hasSize(1);
        TestThreads.assertNoPgkeeperThreads(Duration.ofSeconds(5));
    }

    private static <T> T awaitOrDumpThreads(CompletableFuture<T> future, String what) throws Exception {
        try {
            return future.get(15, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            String dump = Arrays.stream(ManagementFactory.getThreadMXBean().dumpAllThreads(true, true))
                    .map(ThreadInfo::toString).collect(Collectors.joining());
            throw new AssertionError(what + " did not return within 15 s; threads:\n" + dump, e);
        }
    }

    @Test
    void concurrentCallersShareOneAttempt() throws Exception {
        DatabaseConfig config = DatabaseConfig.builder()
                .url("postgresql://postgres@127.0.0.1:" + PrivateServer.freePort() + "/postgres")
                .maxRetries(2).retryBaseDelay(Duration.ofMillis(200)).connectionTimeout(Duration.ofMillis(500)).build();
        try (ConnectionManager manager = ConnectionManager.create(config)) {
            int callers = 8;
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            java.util.List<CompletableFuture<ConnectionResult>> results = new java.util.ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return manager.initializeConnection();
                }, java.util.concurrent.Executors.newSingleThreadExecutor()));
            }
            go.countDown();

            java.util.Set<ConnectionResult> distinct = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (CompletableFuture<ConnectionResult> r : results) {
                distinct.add(awaitOrDumpThreads(r, "initializeConnection()"));
            }
            assertThat(distinct).as("one shared result").hasSize(1);
            assertThat(distinct.iterator().next().attempts()).isEqualTo(3);
        }
    }
}
