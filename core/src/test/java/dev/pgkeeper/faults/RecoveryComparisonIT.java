package dev.pgkeeper.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.PrivateServerTest;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * pgkeeper next to plain HikariCP + pgjdbc (same pool size and connection timeout), both loading the same
 * private server while it is restarted, crashed, or kept down for ten seconds. Measures the time from the
 * server accepting connections again to each contender's first successful query, and how long failed calls
 * blocked. The figures are printed and appended to {@code target/recovery-figures.txt}; they are measured,
 * not asserted, because this machine is shared. What is asserted is behaviour: both recover, and while the
 * server is known to be down pgkeeper's calls fail fast.
 */
@PrivateServerTest
class RecoveryComparisonIT {

    private static final int THREADS = 4;
    private static final int POOL_SIZE = 4;
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);
    private static final Path FIGURES = Path.of("target", "recovery-figures.txt");

    private final PrivateServer server;

    RecoveryComparisonIT(PrivateServer server) {
        this.server = server;
    }


    @Test
    void restart() throws Exception {
        measure("restart", server::stop, server::start);
    }

    @Test
    void killThenStart() throws Exception {
        measure("kill-9", server::kill, server::start);
    }

    @Test
    void downForTenSeconds() throws Exception {
        measure("down-10s", server::stop, () -> {
            sleep(10_000);
            server.start();
        });
    }

    private void measure(String scenario, Runnable breakIt, Runnable healIt) throws Exception {
        TestDatabase db = server.admin("postgres");
        DatabaseConfig config = DatabaseConfig.builder().url(db.url()).poolSize(POOL_SIZE)
                .connectionTimeout(CONNECTION_TIMEOUT).maxRetries(0).build();
        try (ConnectionManager manager = ConnectionManager.create(config);
             HikariDataSource plain = plainHikari(db, config)) {
            assertThat(manager.initializeConnection().success()).isTrue();
            Contender pgkeeper = new Contender("pgkeeper", manager.dataSource());
            Contender hikari = new Contender("plain-hikari", plain);
            pgkeeper.start();
            hikari.start();
            sleep(1_000); // both pools warm and busy

            breakIt.run();
            long down = System.nanoTime();
            ReadinessPoller poller = new ReadinessPoller(db);
            poller.start();
            healIt.run();
            long ready = poller.awaitReady(Duration.ofSeconds(30));
            pgkeeper.awaitSuccessAfter(down, Duration.ofSeconds(30));
            hikari.awaitSuccessAfter(down, Duration.ofSeconds(30));
            pgkeeper.stop();
            hikari.stop();

            Result p = pgkeeper.result(down, ready);
            Result h = hikari.result(down, ready);
            report(scenario, p);
            report(scenario, h);
            assertThat(p.recovered()).isTrue();
            assertThat(h.recovered()).isTrue();
            if (p.failed() > 0 && scenario.startsWith("down")) {
                assertThat(p.failMedianMillis()).as("pgkeeper's calls fail fast while the server is down")
                        .isLessThan(CONNECTION_TIMEOUT.toMillis() / 4);
            }
        }
        TestThreads.assertNoPgkeeperThreads(CONNECTION_TIMEOUT.plusSeconds(3));
    }

    private static HikariDataSource plainHikari(TestDatabase db, DatabaseConfig config) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("plain-hikari");
        hc.setJdbcUrl(db.jdbcUrl());
        hc.setUsername(db.user());
        hc.setMaximumPoolSize(config.poolSize());
        hc.setMinimumIdle(config.poolMinIdle());
        hc.setConnectionTimeout(config.connectionTimeout().toMillis());
        hc.setIdleTimeout(config.idleTimeout().toMillis());
        return new HikariDataSource(hc);
    }

    private static void report(String scenario, Result r) throws IOException {
        String line = String.format("RECOVERY %s contender=%s recovery_ms=%d failed=%d fail_median_ms=%d fail_max_ms=%d",
                scenario, r.name(), r.recoveryMillis(), r.failed(), r.failMedianMillis(), r.failMaxMillis());
        System.out.println(line);
        Files.createDirectories(FIGURES.getParent());
        Files.writeString(FIGURES, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private record Call(long start, long end, boolean ok) {
    }

    private record Result(String name, boolean recovered, long recoveryMillis, int failed, long failMedianMillis,
                          long failMaxMillis) {
    }

    /** Several threads running SELECT 1 in a loop, pausing 5 ms after a failure as a request loop would. */
    private static final class Contender {
        private final String name;
        private final DataSource ds;
        private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        Contender(String name, DataSource ds) {
            this.name = name;
            this.ds = ds;
        }

        void start() {
            for (int i = 0; i < THREADS; i++) {
                Thread t = new Thread(this::loop, "test-load-" + name + "-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        private void loop() {
            while (running.get()) {
                long start = System.nanoTime();
                boolean ok;
                try {
                    ok = Jdbc.selectOne(ds) == 1;
                } catch (SQLException | RuntimeException e) {
                    ok = false;
                }
                calls.add(new Call(start, System.nanoTime(), ok));
                if (!ok) {
                    sleep(5);
                }
            }
        }

        void awaitSuccessAfter(long after, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && firstSuccessAfter(after) == Long.MAX_VALUE) {
                sleep(10);
            }
        }

        long firstSuccessAfter(long after) {
            synchronized (calls) {
                return calls.stream().filter(c -> c.ok() && c.start() > after).mapToLong(Call::end).min()
                        .orElse(Long.MAX_VALUE);
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(10_000);
            }
        }

        Result result(long down, long ready) {
            long first = firstSuccessAfter(down);
            List<Long> failures;
            synchronized (calls) {
                failures = calls.stream().filter(c -> !c.ok() && c.end() > down - 1_000_000_000L)
                        .map(c -> (c.end() - c.start()) / 1_000_000).sorted().toList();
            }
            boolean recovered = first != Long.MAX_VALUE;
            return new Result(name, recovered, recovered ? Math.max(0, (first - ready) / 1_000_000) : -1,
                    failures.size(), failures.isEmpty() ? 0 : failures.get(failures.size() / 2),
                    failures.isEmpty() ? 0 : failures.get(failures.size() - 1));
        }
    }

    /** Opens a fresh connection every 2 ms until one succeeds: the moment the server accepts connections. */
    private static final class ReadinessPoller extends Thread {
        private final TestDatabase db;
        private volatile long readyAt;

        ReadinessPoller(TestDatabase db) {
            super("test-readiness-poller");
            setDaemon(true);
            this.db = db;
        }

        @Override
        public void run() {
            while (readyAt == 0) {
                try (Connection c = db.connect()) {
                    readyAt = System.nanoTime();
                } catch (SQLException e) {
                    RecoveryComparisonIT.sleep(2);
                }
            }
        }

        long awaitReady(Duration timeout) throws InterruptedException {
            join(timeout.toMillis());
            assertThat(readyAt).as("the server accepted connections again").isPositive();
            return readyAt;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
