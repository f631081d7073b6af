package dev.pgkeeper.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgkeeper.benchmarks.AccountRepository.History;
import dev.pgkeeper.benchmarks.Contenders.Pgkeeper;
import dev.pgkeeper.benchmarks.Contenders.Target;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.postgresql.PGConnection;

/**
 * One contender's measurement in a JVM of its own, the way JMH forks: the JVM builds only that contender's
 * stack, so the JIT compiles its code with nobody else's profile. {@link Benchmarks} starts it and reads
 * the {@code RESULT} lines it prints to standard output; fault workloads also take {@code FAULT <nanos>},
 * {@code UP <nanos>} and {@code STOP} lines on standard input ({@link System#nanoTime()} is one clock for
 * every process on the machine).
 *
 * <p>Arguments: {@code <workload> <contender> <host> <port> [key=value ...]}.
 */
public final class Fork {

    private static final String SELECT = "SELECT abalance FROM pgbench_accounts WHERE aid = ?";
    private static final String INSERT = "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)";
    private static final List<String> HISTORY_COLUMNS = List.of("tid", "bid", "aid", "delta", "mtime");
    private static final Duration SETTLE = Duration.ofMillis(250);

    /** The three ways a contender's stack is called: pgkeeper's repository, plain MyBatis, raw JDBC. */
    private enum Kind { PGKEEPER, MYBATIS, JDBC }

    private final Target target;
    private final Map<String, String> options;
    private final int accounts;
    private final int scale;
    private final Kind kind;
    private Pgkeeper pgkeeper;
    private HikariDataSource pool;
    private SqlSessionFactory myBatis;

    private Fork(String contender, Target target, Map<String, String> options) {
        this.target = target;
        this.options = options;
        this.scale = number("scale");
        this.accounts = scale * 100_000;
        this.kind = open(contender.replace(Forks.LOG4J_JUL, ""));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 4; i < args.length; i++) {
            String[] pair = args[i].split("=", 2);
            options.put(pair[0], pair[1]);
        }
        Fork fork = new Fork(args[1], new Target(args[2], Integer.parseInt(args[3])), options);
        try {
            switch (args[0]) {
                case "select", "insert" -> fork.throughput(args[0]);
                case "batch", "copy" -> fork.bulk(args[0]);
                case "faults" -> fork.faults();
                case "recovery" -> fork.recovery();
                default -> throw new IllegalArgumentException("unknown workload " + args[0]);
            }
        } finally {
            fork.close();
        }
        System.exit(0);
    }

    /** Builds the named contender's stack, and only that. */
    private Kind open(String contender) {
        switch (contender) {
            case "pgkeeper" -> pgkeeper = Pgkeeper.open(Contenders.pgkeeperConfig(target).build());
            case "pgkeeper-statement-timeout" -> pgkeeper = Pgkeeper.open(Contenders.pgkeeperConfig(target)
                    .name("bench-statement-timeout").statementTimeout(Duration.ofSeconds(30)).build());
            case "mybatis-on-pgkeeper-datasource" -> {
                pgkeeper = Pgkeeper.open(Contenders.pgkeeperConfig(target).build());
                myBatis = Contenders.plainMyBatis(pgkeeper.manager().dataSource());
                return Kind.MYBATIS;
            }
            case "mybatis" -> {
                pool = Contenders.plainPool(target);
                myBatis = Contenders.plainMyBatis(pool);
                return Kind.MYBATIS;
            }
            case "mybatis-pgkeeper-settings" -> {
                pool = Contenders.plainPoolWithPgkeeperSettings(target);
                myBatis = Contenders.plainMyBatis(pool);
                return Kind.MYBATIS;
            }
            case "jdbc", "copymanager" -> {
                pool = Contenders.plainPool(target);
                return Kind.JDBC;
            }
            default -> throw new IllegalArgumentException("unknown contender " + contender);
        }
        return Kind.PGKEEPER;
    }

    private void close() {
        if (pgkeeper != null) {
            pgkeeper.close();
        }
        if (pool != null) {
            pool.close();
        }
    }

    // ---------------------------------------------------------------- closed-loop throughput

    /** Warms up, then prints one {@code RESULT <ops/s> <client CPU us/call> <p50 us> <p99 us>} per iteration. */
    private void throughput(String workload) throws Exception {
        int threads = number("threads");
        Load.Operation operation = workload.equals("select") ? select() : insert();
        Load.run(threads, millis("warmupMs"), false, operation);
        for (int i = 0; i < number("iterations"); i++) {
            Thread.sleep(SETTLE.toMillis());
            Load.Result r = Load.run(threads, millis("runMs"), true, operation);
            long[] latencies = r.latenciesNanos();
            result(r.perSecond(), r.cpuMicrosPerCall(), Stats.percentile(latencies, 50) / 1e3,
                    Stats.percentile(latencies, 99) / 1e3);
        }
    }

    private Load.Operation select() {
        return switch (kind) {
            case PGKEEPER -> r -> pgkeeper.repository().balance(account(r));
            case MYBATIS -> r -> {
                try (SqlSession session = myBatis.openSession(true)) {
                    session.getMapper(AccountMapper.class).balance(account(r));
                }
            };
            case JDBC -> r -> {
                try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(SELECT)) {
                    ps.setInt(1, account(r));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                    }
                }
            };
        };
    }

    /** One history row inserted in a transaction of its own. */
    private Load.Operation insert() {
        return switch (kind) {
            case PGKEEPER -> r -> {
                History h = history(r);
                pgkeeper.client().useTransaction(() -> pgkeeper.repository().addHistory(h));
            };
            case MYBATIS -> r -> {
                History h = history(r);
                try (SqlSession session = myBatis.openSession(false)) {
                    session.getMapper(AccountMapper.class).addHistory(h.tid(), h.bid(), h.aid(), h.delta());
                    session.commit();
                }
            };
            case JDBC -> r -> {
                History h = history(r);
                try (Connection c = pool.getConnection()) {
                    c.setAutoCommit(false);
                    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                        bind(ps, h);
                        ps.executeUpdate();
                    }
                    c.commit();
                }
            };
        };
    }

    // ---------------------------------------------------------------- batches and bulk loads

    /** A piece of work that may fail. */
    @FunctionalInterface
    private interface Job {
        void run() throws Exception;
    }

    /**
     * Inserts the same {@code rows} rows into an empty history table, {@code warmups} times and then
     * {@code repetitions} times, printing {@code RESULT <rows/s>} for each of the latter.
     */
    private void bulk(String workload) throws Exception {
        int count = number("rows");
        Random random = new Random(42);
        List<History> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            rows.add(new History(random.nextInt(scale * 10) + 1, random.nextInt(scale) + 1, random.nextInt(accounts) + 1,
                    random.nextInt(10_001) - 5_000));
        }
        Job insert = workload.equals("batch") ? batch(rows) : copy(rows);
        try (Connection admin = DriverManager.getConnection(target.jdbcUrl(), "postgres", null)) {
            int warmups = number("warmups");
            for (int i = 0; i < warmups + number("repetitions"); i++) {
                try (Statement s = admin.createStatement()) {
                    s.execute("TRUNCATE pgbench_history");
                }
                long start = System.nanoTime();
                insert.run();
                double perSecond = count / ((System.nanoTime() - start) / 1e9);
                try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM pgbench_history")) {
                    rs.next();
                    if (rs.getLong(1) != count) {
                        throw new IllegalStateException(workload + " inserted " + rs.getLong(1) + " rows, not " + count);
                    }
                }
                if (i >= warmups) {
                    result(perSecond);
                }
            }
        }
    }

    /** All rows in one transaction with the contender's batch API. */
    private Job batch(List<History> rows) {
        return switch (kind) {
            case PGKEEPER -> () -> pgkeeper.repository().addHistory(rows);
            case MYBATIS -> () -> {
                try (SqlSession session = myBatis.openSession(ExecutorType.BATCH, false)) {
                    AccountMapper mapper = session.getMapper(AccountMapper.class);
                    for (History h : rows) {
                        mapper.addHistory(h.tid(), h.bid(), h.aid(), h.delta());
                    }
                    session.flushStatements();
                    session.commit();
                }
            };
            case JDBC -> () -> {
                try (Connection c = pool.getConnection()) {
                    c.setAutoCommit(false);
                    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                        for (History h : rows) {
                            bind(ps, h);
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                    c.commit();
                }
            };
        };
    }

    /**
     * All rows with COPY: pgkeeper's {@code copyIn} and its row writer, or pgjdbc's {@code CopyManager} fed
     * the CSV text a user would build by hand.
     */
    private Job copy(List<History> rows) {
        return switch (kind) {
            case PGKEEPER -> () -> {
                OffsetDateTime now = OffsetDateTime.now();
                pgkeeper.client().copyIn("pgbench_history", HISTORY_COLUMNS, rows,
                        (h, out) -> out.value(h.tid()).value(h.bid()).value(h.aid()).value(h.delta()).value(now));
            };
            case JDBC -> () -> {
                StringBuilder csv = new StringBuilder(rows.size() * 48);
                String now = OffsetDateTime.now().toString();
                for (History h : rows) {
                    csv.append(h.tid()).append(',').append(h.bid()).append(',').append(h.aid()).append(',')
                            .append(h.delta()).append(',').append(now).append('\n');
                }
                try (Connection c = pool.getConnection()) {
                    c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                            "COPY pgbench_history (tid, bid, aid, delta, mtime) FROM STDIN (FORMAT csv)",
                            new StringReader(csv.toString()));
                }
            };
            case MYBATIS -> throw new IllegalArgumentException("plain MyBatis has no COPY");
        };
    }

    // ---------------------------------------------------------------- faults

    /**
     * Writers insert history rows, each in a transaction of its own, as fast as they can, through a restart
     * of the server: prints {@code READY} once warmed up, then, after {@code FAULT} and {@code UP}, one
     * {@code RESULT <acked/s before> <acked/s after> <recovery ms> <failed calls>}. The healthy window
     * before runs from {@code READY} to the fault, the one after from the first success after {@code UP}
     * (plus a settling pause) for {@code windowMs}.
     */
    private void faults() throws Exception {
        Load.Operation insert = insert();
        int writers = number("threads");
        Writers run = new Writers(writers, insert, Duration.ZERO, Duration.ofMillis(5)); // no spinning on errors
        run.start();
        Thread.sleep(millis("warmupMs").toMillis());
        long ready = System.nanoTime();
        System.out.println("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        long faultAt = command(in, "FAULT");
        run.watch(faultAt);
        long upAt = command(in, "UP");
        long recovered = run.awaitSuccessAfter(upAt, Duration.ofSeconds(60));
        long afterStart = recovered + SETTLE.toNanos();
        Thread.sleep((afterStart - System.nanoTime()) / 1_000_000 + millis("windowMs").toMillis());
        long stop = System.nanoTime();
        run.stop();
        result(run.successesPerSecond(ready, faultAt), run.successesPerSecond(afterStart, stop),
                (recovered - upAt) / 1e6, run.failures());
    }

    /**
     * One caller, one select a millisecond, through restarts: prints {@code READY}, then for every
     * {@code FAULT}/{@code UP} pair {@code RESULT <ms from UP to the first success> <failed calls>}, until
     * {@code STOP}.
     */
    private void recovery() throws Exception {
        Writers caller = new Writers(1, select(), Duration.ofMillis(1), Duration.ofMillis(1));
        caller.start();
        Thread.sleep(millis("warmupMs").toMillis());
        System.out.println("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (true) {
            String line = in.readLine();
            if (line == null || line.equals("STOP")) {
                break;
            }
            caller.watch(parse(line, "FAULT"));
            long failedBefore = caller.failures();
            long upAt = command(in, "UP");
            long recovered = caller.awaitSuccessAfter(upAt, Duration.ofSeconds(30));
            result(Math.max(0, recovered - upAt) / 1e6, caller.failures() - failedBefore);
        }
        caller.stop();
    }

    private static long command(BufferedReader in, String name) throws Exception {
        return parse(in.readLine(), name);
    }

    private static long parse(String line, String name) {
        if (line == null || !line.startsWith(name + " ")) {
            throw new IllegalStateException("expected " + name + " <nanos>, got " + line);
        }
        return Long.parseLong(line.substring(name.length() + 1));
    }

    // ---------------------------------------------------------------- helpers

    private static void result(double... values) {
        StringBuilder line = new StringBuilder("RESULT");
        for (double v : values) {
            line.append(' ').append(String.format(Locale.ROOT, "%.3f", v));
        }
        System.out.println(line);
    }

    private int number(String key) {
        String value = options.get(key);
        if (value == null) {
            throw new IllegalArgumentException("missing option " + key);
        }
        return Integer.parseInt(value);
    }

    private Duration millis(String key) {
        return Duration.ofMillis(number(key));
    }

    private int account(ThreadLocalRandom random) {
        return random.nextInt(1, accounts + 1);
    }

    private History history(ThreadLocalRandom random) {
        return new History(random.nextInt(1, scale * 10 + 1), random.nextInt(1, scale + 1), account(random),
                random.nextInt(-5000, 5001));
    }

    private static void bind(PreparedStatement ps, History h) throws SQLException {
        ps.setInt(1, h.tid());
        ps.setInt(2, h.bid());
        ps.setInt(3, h.aid());
        ps.setInt(4, h.delta());
    }
}
