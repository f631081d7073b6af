package dev.pgkeeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Many instances of one service against one private server that stops for a while and comes back: the fleet
 * simulation of issue 14. Each instance (a {@link Member}) gets a thread that makes a call (borrow, {@code SELECT 1},
 * give back) at a steady interval. The server is stopped ({@code pg_ctl stop -m fast}), left down, and started
 * again. Measured from the server's own log (when it was ready, which connections it received, which it refused
 * as "starting up"), from every TCP connection attempt of the instances ({@link CountingSocketFactory}: a server that
 * is down logs nothing) and from the calls' outcomes.
 *
 * <p>Not thread-safe: one run at a time. {@link #close()} stops the server and deletes its files.
 */
public final class Fleet implements AutoCloseable {

    private static final Pattern LOG_LINE = Pattern.compile("^(\\d+)\\.(\\d{3}):\\d+:(\\w+):\\s+(.*)$");
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** One instance of the service: a data source, however it is built. */
    public interface Member extends AutoCloseable {
        /** A connection for one call; the caller closes it. */
        Connection connection() throws SQLException;

        /** Shuts the instance down, leaving no thread or connection behind. */
        @Override
        void close() throws SQLException;

        /** An instance that borrows from {@code source} and shuts down with {@code closer}. */
        static Member of(Source source, Runnable closer) {
            return new Member() {
                @Override
                public Connection connection() throws SQLException {
                    return source.connection();
                }

                @Override
                public void close() {
                    closer.run();
                }
            };
        }
    }

    /** Where an instance's connections come from: a data source's {@code getConnection}. */
    @FunctionalInterface
    public interface Source {
        /** A connection for one call. */
        Connection connection() throws SQLException;
    }

    /** Builds instance {@code index}, connecting with {@code jdbcUrl} (which counts its connection attempts). */
    @FunctionalInterface
    public interface Members {
        Member start(int index, String jdbcUrl) throws Exception;
    }

    /**
     * What to run.
     *
     * @param instances    how many instances
     * @param callInterval the time between two calls of one instance
     * @param warmup       how long every instance serves before the server stops
     * @param outage       how long the server stays down
     * @param settle       the longest wait, once the server is ready, for every instance to serve a call again
     */
    public record Plan(int instances, Duration callInterval, Duration warmup, Duration outage, Duration settle) {
    }

    /**
     * What a run measured.
     *
     * @param stack                        which client stack the instances ran
     * @param instances                    how many
     * @param outageMillis                 from the end of the stop (nothing listens) to the start's start
     * @param attemptsPerInstancePerSecond connection attempts per instance per second, from 2 s after the stop ended
     *                                     until the server was started again
     * @param attemptsFirstTwoSeconds      connection attempts per instance in the outage's first 2 s
     * @param recoveryMillis               per instance, from the server's "ready to accept connections" to the end of
     *                                     its first successful call after it, sorted; instances that never served
     *                                     again are left out (see {@code notRecovered})
     * @param notRecovered                 instances that served no call within the plan's settle time
     * @param errors53300                  failed calls with SQLState 53300 (too many connections) in their chain
     * @param errors57P03                  failed calls with SQLState 57P03 (starting up or shutting down) in their chain
     * @param failedCalls                  all failed calls from the stop on
     * @param refusedStartingUp            logins the server refused with "the database system is starting up"
     * @param serverTooMany                logins the server refused with "too many clients"
     * @param peakLoginsPer100ms           the most connections the server received in one 100 ms bin, in the 2 s after
     *                                     it was ready
     * @param loginsFirstSecond            connections the server received in the first second after it was ready
     */
    public record Figures(String stack, int instances, long outageMillis, double attemptsPerInstancePerSecond,
                          double attemptsFirstTwoSeconds, long[] recoveryMillis, int notRecovered, long errors53300,
                          long errors57P03, long failedCalls, long refusedStartingUp, long serverTooMany,
                          long peakLoginsPer100ms, long loginsFirstSecond) {

        /** The recovery time at quantile {@code q} (0..1) over every instance; -1 when none recovered. */
        public long recoveryQuantile(double q) {
            if (recoveryMillis.length == 0) {
                return -1;
            }
            int index = (int) Math.ceil(q * recoveryMillis.length) - 1;
            return recoveryMillis[Math.max(0, Math.min(recoveryMillis.length - 1, index))];
        }

        /** The longest recovery; -1 when none recovered. */
        public long recoveryMax() {
            return recoveryMillis.length == 0 ? -1 : recoveryMillis[recoveryMillis.length - 1];
        }

        /** The {@code FLEET} line the benchmarks and the simulation test print. */
        public String line() {
            return String.format(Locale.ROOT, "FLEET attempts_per_instance_per_s=%.2f recovery_p50_ms=%d recovery_p99_ms=%d"
                            + " recovery_max_ms=%d errors_53300=%d errors_57P03=%d stack=%s instances=%d outage_ms=%d"
                            + " attempts_first_2s_per_instance=%.1f not_recovered=%d failed_calls=%d"
                            + " server_refused_starting_up=%d server_refused_too_many=%d peak_logins_per_100ms=%d"
                            + " logins_first_s=%d",
                    attemptsPerInstancePerSecond, recoveryQuantile(0.5), recoveryQuantile(0.99), recoveryMax(),
                    errors53300, errors57P03, stack, instances, outageMillis, attemptsFirstTwoSeconds, notRecovered,
                    failedCalls, refusedStartingUp, serverTooMany, peakLoginsPer100ms, loginsFirstSecond);
        }
    }

    private final PrivateServer server;
    private final Path serverLog;

    private Fleet(PrivateServer server, Path serverLog) {
        this.server = server;
        this.serverLog = serverLog;
    }

    /**
     * Starts a private server for fleets: {@code max_connections} = {@code maxConnections}, every connection
     * logged, the log in a file of its own with millisecond epoch timestamps.
     */
    public static Fleet startServer(int maxConnections) {
        try {
            Path logs = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "pgkeeper-fleet-log-");
            Map<String, String> settings = new HashMap<>(PrivateServer.logToFile(logs));
            settings.put("max_connections", Integer.toString(maxConnections));
            settings.put("log_connections", "on");
            PrivateServer server = PrivateServer.create(settings);
            server.start();
            return new Fleet(server, logs.resolve("server.log"));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare a log directory", e);
        }
    }

    /** Stops the server and deletes its data and log. */
    @Override
    public void close() {
        server.close();
        try {
            Files.deleteIfExists(serverLog);
            Files.deleteIfExists(serverLog.getParent());
        } catch (IOException e) {
            // a temporary file left behind; nothing a test can act on
        }
    }

    /** The server the fleet uses. */
    public PrivateServer server() {
        return server;
    }

    /** A JDBC URL of the server for instance {@code index}, whose connection attempts are counted. */
    public String url(int index) {
        return "jdbc:postgresql://" + server.host() + ":" + server.port() + "/postgres?user=postgres&"
                + CountingSocketFactory.urlParameters("fleet-" + index);
    }

    /**
     * Runs the fleet once through an outage and measures it; every member is closed before this returns.
     *
     * @param stack   names the client stack in the figures
     * @param members builds the instances
     */
    public Figures run(String stack, Plan plan, Members members) throws Exception {
        List<Member> started = new ArrayList<>();
        List<Caller> callers = new ArrayList<>();
        try {
            for (int i = 0; i < plan.instances(); i++) {
                started.add(members.start(i, url(i)));
            }
            for (Member m : started) {
                callers.add(new Caller(m, plan.callInterval()));
            }
            callers.forEach(c -> c.thread.start());
            awaitAll(callers, Long.MIN_VALUE, Duration.ofSeconds(60), "served a first call");
            Thread.sleep(plan.warmup().toMillis());

            CountingSocketFactory.clear();
            long stopAt = System.nanoTime();
            callers.forEach(c -> c.failuresFrom = stopAt);
            server.stop();
            long downAt = System.nanoTime(); // pg_ctl stop -m fast has returned: nothing listens any more
            Thread.sleep(Math.max(0, plan.outage().toMillis() - (System.nanoTime() - stopAt) / MS));
            long startAt = System.nanoTime();
            server.start();
            long readyWall = lastReady(stopAt);
            boolean all = awaitAll(callers, readyWall, plan.settle(), null);
            List<CountingSocketFactory.Attempt> attempts = CountingSocketFactory.attempts();
            callers.forEach(Caller::stop);
            for (Caller c : callers) {
                c.thread.join(TimeUnit.SECONDS.toMillis(30));
            }
            return figures(stack, plan, callers, attempts, stopAt, downAt, startAt, readyWall, all);
        } finally {
            callers.forEach(Caller::stop);
            closeAll(started);
        }
    }

    private Figures figures(String stack, Plan plan, List<Caller> callers, List<CountingSocketFactory.Attempt> attempts,
                            long stopAt, long downAt, long startAt, long readyWall, boolean all) throws IOException {
        int n = plan.instances();
        long late = attempts.stream().filter(a -> a.nanoTime() - downAt >= 2_000 * MS && a.nanoTime() - startAt < 0).count();
        long early = attempts.stream().filter(a -> a.nanoTime() - downAt < 2_000 * MS && a.nanoTime() - downAt >= 0).count();
        double lateSeconds = Math.max(1, (startAt - downAt) / MS - 2_000) / 1000.0;
        long[] recovery = callers.stream().mapToLong(c -> c.firstSuccessAfter(readyWall)).filter(t -> t >= 0)
                .map(t -> t - readyWall).sorted().toArray();
        long e53300 = callers.stream().mapToLong(c -> c.errors53300.get()).sum();
        long e57P03 = callers.stream().mapToLong(c -> c.errors57P03.get()).sum();
        long failed = callers.stream().mapToLong(c -> c.failed.get()).sum();
        long stopWall = System.currentTimeMillis() - (System.nanoTime() - stopAt) / MS;
        ServerLogFigures log = readLog(stopWall, readyWall);
        return new Figures(stack, n, (startAt - downAt) / MS, late / lateSeconds / n, early / (double) n, recovery,
                all ? 0 : n - recovery.length, e53300, e57P03, failed, log.startingUp, log.tooMany,
                log.peakPer100ms, log.firstSecond);
    }

    private record ServerLogFigures(long startingUp, long tooMany, long peakPer100ms, long firstSecond) {
    }

    /** What the server logged from {@code fromWall} on (the log holds every earlier run on this server too). */
    private ServerLogFigures readLog(long fromWall, long readyWall) throws IOException {
        long startingUp = 0;
        long tooMany = 0;
        long firstSecond = 0;
        long[] bins = new long[20];
        for (String line : Files.readAllLines(serverLog, StandardCharsets.UTF_8)) {
            Matcher m = LOG_LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            long wall = Long.parseLong(m.group(1)) * 1000 + Long.parseLong(m.group(2));
            String text = m.group(4);
            if (wall < fromWall) {
                continue;
            }
            if (text.startsWith("the database system is starting up")) {
                startingUp++;
            } else if (text.startsWith("sorry, too many clients already")) {
                tooMany++;
            } else if (text.startsWith("connection received") && wall >= readyWall) {
                long since = wall - readyWall;
                if (since < 1000) {
                    firstSecond++;
                }
                if (since < 2000) {
                    bins[(int) (since / 100)]++;
                }
            }
        }
        return new ServerLogFigures(startingUp, tooMany, Arrays.stream(bins).max().orElse(0), firstSecond);
    }

    /** The wall-clock time (ms) of the server's last "ready to accept connections" line. */
    private long lastReady(long stopAt) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 10_000 * MS;
        while (true) {
            long ready = -1;
            for (String line : Files.readAllLines(serverLog, StandardCharsets.UTF_8)) {
                Matcher m = LOG_LINE.matcher(line);
                if (m.matches() && m.group(4).startsWith("database system is ready to accept connections")) {
                    ready = Long.parseLong(m.group(1)) * 1000 + Long.parseLong(m.group(2));
                }
            }
            long stopWall = System.currentTimeMillis() - (System.nanoTime() - stopAt) / MS;
            if (ready >= stopWall) {
                return ready;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("The server log " + serverLog + " shows no start after the stop");
            }
            Thread.sleep(10); // the logging collector writes asynchronously
        }
    }

    private static boolean awaitAll(List<Caller> callers, long afterWall, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (callers.stream().anyMatch(c -> c.lastSuccessWall < afterWall || c.lastSuccessWall == 0)) {
            if (System.nanoTime() - deadline > 0) {
                if (what != null) {
                    throw new IllegalStateException("Not every instance " + what + " within " + timeout);
                }
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    private static void closeAll(List<Member> members) {
        members.parallelStream().forEach(m -> {
            try {
                m.close();
            } catch (SQLException | RuntimeException e) {
                // the run's figures are what matter; a failed close shows in the thread checks
            }
        });
    }

    /** The thread of one instance: a call every interval, from a random phase. */
    private static final class Caller {
        private final Member member;
        private final long intervalNanos;
        private final Thread thread;
        private final List<Long> successes = new ArrayList<>(); // wall ms, written by the thread only
        private final AtomicLong failed = new AtomicLong();
        private final AtomicLong errors53300 = new AtomicLong();
        private final AtomicLong errors57P03 = new AtomicLong();
        private volatile long lastSuccessWall;
        private volatile long failuresFrom = Long.MAX_VALUE;
        private volatile boolean stopped;

        Caller(Member member, Duration interval) {
            this.member = member;
            this.intervalNanos = interval.toNanos();
            this.thread = new Thread(this::loop, "fleet-caller");
            this.thread.setDaemon(true);
        }

        void stop() {
            stopped = true;
        }

        private void loop() {
            long next = System.nanoTime() + (long) (ThreadLocalRandom.current().nextDouble() * intervalNanos);
            while (!stopped) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                next = Math.max(next + intervalNanos, System.nanoTime());
                call();
            }
        }

        private void call() {
            try (Connection c = member.connection(); Statement s = c.createStatement()) {
                s.execute("SELECT 1");
                long now = System.currentTimeMillis();
                synchronized (successes) {
                    successes.add(now);
                }
                lastSuccessWall = now;
            } catch (SQLException | RuntimeException e) {
                if (System.nanoTime() - failuresFrom < 0) {
                    return;
                }
                failed.incrementAndGet();
                Set<String> states = new HashSet<>();
                for (Throwable t = e; t != null && states.size() < 16; t = t.getCause()) {
                    if (t instanceof SQLException sql && sql.getSQLState() != null) {
                        states.add(sql.getSQLState());
                    }
                }
                if (states.contains("53300")) {
                    errors53300.incrementAndGet();
                }
                if (states.contains("57P03")) {
                    errors57P03.incrementAndGet();
                }
            }
        }

        long firstSuccessAfter(long wall) {
            synchronized (successes) {
                return successes.stream().mapToLong(Long::longValue).filter(t -> t >= wall).findFirst().orElse(-1);
            }
        }
    }
}
