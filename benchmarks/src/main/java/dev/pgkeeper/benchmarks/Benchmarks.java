package dev.pgkeeper.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgkeeper.ConnectionEvent;
import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.benchmarks.AccountRepository.History;
import dev.pgkeeper.mybatis.MyBatisClient;
import dev.pgkeeper.testing.PrivateServer;
import java.io.IOException;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.postgresql.PGConnection;

/**
 * Measures, in one run against one private PostgreSQL server, what pgkeeper costs next to plain MyBatis,
 * raw JDBC and pgbench, and how fast it recovers from a restart next to plain HikariCP. Contenders
 * alternate round by round, the order rotated each round (A B C D, B C D A, ...), so that drift on a shared
 * machine and the position in a round hit all of them alike; every figure is a median over the rounds.
 *
 * <p>Prints {@code BENCH <name> <contender>/<baseline>=<ratio> (<median> vs <median> <unit>)} lines (also
 * written to {@code benchmarks/target/bench-figures.txt}); {@code ROUND} lines show every measurement.
 * Argument {@code quick} runs a short smoke version whose figures mean little.
 *
 * <pre>mvn -q -pl benchmarks -am compile exec:exec</pre>
 */
public final class Benchmarks {

    private static final String SELECT = "SELECT abalance FROM pgbench_accounts WHERE aid = ?";
    private static final String INSERT = "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)";
    private static final Path FIGURES = Path.of("target", "bench-figures.txt");
    private static final Duration SETTLE = Duration.ofMillis(250);
    private static final List<String> SECTIONS = List.of("select", "insert", "batch", "recovery", "startup");
    /** Sections run only when named: investigations, not part of the figures. */
    private static final List<String> EXTRA_SECTIONS = List.of("overhead");

    /** How long and how often; the quick profile only proves the harness works. */
    private record Plan(int scale, Duration run, Duration warmup, int rounds, int batchRows, int restarts, int startups) {
        static Plan of(String name) {
            return switch (name) {
                // Many short rounds rather than a few long ones: drift on a shared machine averages out better.
                case "full" -> new Plan(10, Duration.ofSeconds(2), Duration.ofSeconds(3), 10, 10_000, 10, 10);
                case "quick" -> new Plan(1, Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 1_000, 2, 2);
                default -> throw new IllegalArgumentException("Unknown plan '" + name + "': use full or quick");
            };
        }
    }

    private final Plan plan;
    private final PrivateServer server;
    private final Pgbench pgbench;
    private final Contenders contenders;
    private final int accounts;

    private Benchmarks(Plan plan, PrivateServer server, Pgbench pgbench, Contenders contenders) {
        this.plan = plan;
        this.server = server;
        this.pgbench = pgbench;
        this.contenders = contenders;
        this.accounts = plan.scale() * 100_000;
    }

    public static void main(String[] arguments) throws Exception {
        // Maven passes -Dbench.args="full recovery" as one argument: the plan, then the sections to run (all).
        List<String> args = List.of(String.join(" ", arguments).trim().split("\\s+"));
        Plan plan = Plan.of(args.get(0).isEmpty() ? "full" : args.get(0));
        List<String> sections = args.size() > 1 ? args.subList(1, args.size()) : SECTIONS;
        for (String section : sections) {
            if (!SECTIONS.contains(section) && !EXTRA_SECTIONS.contains(section)) {
                throw new IllegalArgumentException("Unknown section '" + section + "': use some of " + SECTIONS
                        + " " + EXTRA_SECTIONS);
            }
        }
        long began = System.nanoTime();
        Files.createDirectories(FIGURES.getParent());
        Files.deleteIfExists(FIGURES);
        try (PrivateServer server = PrivateServer.startNew()) {
            Pgbench pgbench = Pgbench.locate(server.host(), server.port());
            System.out.println("# " + machine(server, pgbench));
            System.out.println("# plan " + plan);
            pgbench.initialize(plan.scale());
            try (Contenders contenders = Contenders.open(server)) {
                Benchmarks b = new Benchmarks(plan, server, pgbench, contenders);
                if (sections.contains("select")) {
                    b.selects(1);
                    b.selects(8);
                }
                if (sections.contains("insert")) {
                    b.inserts(1);
                    b.inserts(8);
                }
                if (sections.contains("batch")) {
                    b.batches();
                }
                if (sections.contains("overhead")) {
                    b.overhead(1);
                    b.overhead(8);
                }
                if (sections.contains("recovery")) {
                    b.recovery();
                }
                if (sections.contains("startup")) {
                    b.startupAndHeap();
                }
            }
        }
        System.out.printf(Locale.ROOT, "# done in %.0f s%n", (System.nanoTime() - began) / 1e9);
        System.exit(0);
    }

    // ---------------------------------------------------------------- 1 and 4: select by primary key

    private void selects(int threads) throws Exception {
        HikariDataSource plain = contenders.plainPool;
        Map<String, Contender> all = new LinkedHashMap<>();
        all.put("pgkeeper", load(threads, true, r -> contenders.repository.balance(account(r))));
        all.put("mybatis", load(threads, true, r -> {
            try (SqlSession session = contenders.plainMyBatis.openSession(true)) {
                session.getMapper(AccountMapper.class).balance(account(r));
            }
        }));
        all.put("jdbc", load(threads, false, r -> {
            try (Connection c = plain.getConnection(); PreparedStatement ps = c.prepareStatement(SELECT)) {
                ps.setInt(1, account(r));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                }
            }
        }));
        all.put("pgbench", pgbench(List.of("-S"), threads));
        String name = "select_" + threads + "t";
        Map<String, List<Measurement>> results = alternate(name, all);
        ratios(name, results, "ops/s", "mybatis", "jdbc", "pgbench");
        if (threads == 8) {
            latency(results, 50);
            latency(results, 99);
        }
    }

    /**
     * Where pgkeeper's cost over plain MyBatis comes from, by subtraction, side by side: the select through
     * pgkeeper's repository; the same with a server-side statement timeout of 30 s (off by default); plain
     * MyBatis on pgkeeper's DataSource (pgkeeper's pool and driver settings, MyBatis used directly); plain
     * MyBatis on plain HikariCP; and plain MyBatis on HikariCP given pgkeeper's socket timeout by hand.
     */
    private void overhead(int threads) throws Exception {
        ConnectionManager withTimeout = ConnectionManager.create(Contenders.pgkeeperConfig(server)
                .name("bench-statement-timeout").statementTimeout(Duration.ofSeconds(30)).build());
        withTimeout.initializeConnection();
        try {
            AccountRepository bare = new AccountRepository(MyBatisClient.builder()
                    .connectionManager(withTimeout).addMapper(AccountMapper.class).build());
            SqlSessionFactory onPgkeeper = Contenders.plainMyBatis(contenders.manager.dataSource());
            HikariDataSource carefulPool = Contenders.plainPoolWithPgkeeperTimeouts(server);
            SqlSessionFactory careful = Contenders.plainMyBatis(carefulPool);
            Map<String, Contender> all = new LinkedHashMap<>();
            all.put("pgkeeper", load(threads, false, r -> contenders.repository.balance(account(r))));
            all.put("pgkeeper-statement-timeout", load(threads, false, r -> bare.balance(account(r))));
            all.put("mybatis-on-pgkeeper-datasource", load(threads, false, r -> {
                try (SqlSession session = onPgkeeper.openSession(true)) {
                    session.getMapper(AccountMapper.class).balance(account(r));
                }
            }));
            all.put("mybatis", load(threads, false, r -> {
                try (SqlSession session = contenders.plainMyBatis.openSession(true)) {
                    session.getMapper(AccountMapper.class).balance(account(r));
                }
            }));
            all.put("mybatis-same-timeouts", load(threads, false, r -> {
                try (SqlSession session = careful.openSession(true)) {
                    session.getMapper(AccountMapper.class).balance(account(r));
                }
            }));
            String name = "overhead_select_" + threads + "t";
            Map<String, List<Measurement>> results = alternate(name, all);
            double ours = median(results.get("pgkeeper"));
            String[] others = {"pgkeeper-statement-timeout", "mybatis-on-pgkeeper-datasource", "mybatis",
                    "mybatis-same-timeouts"};
            for (String other : others) {
                report(name, "pgkeeper", other, ours, median(results.get(other)), "ops/s");
            }
            cpu(name, results, others);
            carefulPool.close();
        } finally {
            withTimeout.disconnect();
        }
    }

    private void latency(Map<String, List<Measurement>> results, double percentile) {
        String name = "latency_p" + (int) percentile + "_8t";
        List<Double> ours = new ArrayList<>();
        List<Double> theirs = new ArrayList<>();
        for (Measurement m : results.get("pgkeeper")) {
            ours.add(Stats.percentile(m.latenciesNanos(), percentile) / 1_000.0);
        }
        for (Measurement m : results.get("mybatis")) {
            theirs.add(Stats.percentile(m.latenciesNanos(), percentile) / 1_000.0);
        }
        report(name, "pgkeeper", "mybatis", Stats.median(ours), Stats.median(theirs), "us");
    }

    // ---------------------------------------------------------------- 2: single-row insert in a transaction

    private void inserts(int threads) throws Exception {
        HikariDataSource plain = contenders.plainPool;
        Map<String, Contender> all = new LinkedHashMap<>();
        all.put("pgkeeper", load(threads, false, r -> {
            History h = history(r);
            contenders.client.useTransaction(() -> contenders.repository.addHistory(h));
        }));
        all.put("mybatis", load(threads, false, r -> {
            History h = history(r);
            try (SqlSession session = contenders.plainMyBatis.openSession(false)) {
                session.getMapper(AccountMapper.class).addHistory(h.tid(), h.bid(), h.aid(), h.delta());
                session.commit();
            }
        }));
        all.put("jdbc", load(threads, false, r -> {
            History h = history(r);
            try (Connection c = plain.getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    bind(ps, h);
                    ps.executeUpdate();
                }
                c.commit();
            }
        }));
        Path script = Pgbench.script("insert", String.format(Locale.ROOT, """
                \\set aid random(1, %d)
                \\set bid random(1, %d)
                \\set tid random(1, %d)
                \\set delta random(-5000, 5000)
                BEGIN;
                INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (:tid, :bid, :aid, :delta, CURRENT_TIMESTAMP);
                END;
                """, accounts, plan.scale(), plan.scale() * 10));
        all.put("pgbench", pgbench(List.of("-f", script.toString()), threads));
        truncateHistory();
        String name = "insert_tx_" + threads + "t";
        ratios(name, alternate(name, all), "ops/s", "mybatis", "jdbc", "pgbench");
    }

    // ---------------------------------------------------------------- 2: a batch insert of 10,000 rows

    private void batches() throws Exception {
        List<History> rows = new ArrayList<>();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < plan.batchRows(); i++) {
            rows.add(history(random));
        }
        HikariDataSource plain = contenders.plainPool;
        Map<String, Contender> all = new LinkedHashMap<>();
        all.put("pgkeeper", batch(rows.size(), () -> contenders.repository.addHistory(rows)));
        all.put("mybatis", batch(rows.size(), () -> {
            try (SqlSession session = contenders.plainMyBatis.openSession(ExecutorType.BATCH, false)) {
                AccountMapper mapper = session.getMapper(AccountMapper.class);
                for (History h : rows) {
                    mapper.addHistory(h.tid(), h.bid(), h.aid(), h.delta());
                }
                session.flushStatements();
                session.commit();
            }
        }));
        all.put("jdbc", batch(rows.size(), () -> {
            try (Connection c = plain.getConnection()) {
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
        }));
        all.put("copy", batch(rows.size(), () -> {
            StringBuilder csv = new StringBuilder(rows.size() * 40);
            String now = java.time.OffsetDateTime.now().toString();
            for (History h : rows) {
                csv.append(h.tid()).append(',').append(h.bid()).append(',').append(h.aid()).append(',')
                        .append(h.delta()).append(',').append(now).append('\n');
            }
            try (Connection c = plain.getConnection()) {
                c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                        "COPY pgbench_history (tid, bid, aid, delta, mtime) FROM STDIN (FORMAT csv)",
                        new StringReader(csv.toString()));
            }
        }));
        String name = "batch_" + plan.batchRows() + "_rows";
        ratios(name, alternate(name, all), "rows/s", "mybatis", "jdbc", "copy");
    }

    // ---------------------------------------------------------------- 3: recovery after pg_ctl restart -m fast

    private void recovery() throws Exception {
        List<Double> ours = new ArrayList<>();
        List<Double> theirs = new ArrayList<>();
        List<Double> poolInstalled = new ArrayList<>();
        Caller pgkeeper = new Caller("pgkeeper", () -> contenders.repository.balance(1) != null);
        Caller plain = new Caller("plain-hikari", () -> {
            try (SqlSession session = contenders.plainMyBatis.openSession(true)) {
                return session.getMapper(AccountMapper.class).balance(1) != null;
            }
        });
        long[] connectedAt = new long[1];
        contenders.manager.addListener(e -> {
            if (e.type() == ConnectionEvent.Type.CONNECTED) {
                connectedAt[0] = System.nanoTime();
            }
        });
        pgkeeper.start();
        plain.start();
        try {
            for (int i = 0; i < plan.restarts(); i++) {
                Thread.sleep(500); // both callers settled and succeeding
                connectedAt[0] = 0;
                pgkeeper.expectRestart();
                plain.expectRestart();
                server.restart(); // pg_ctl stop -m fast, then start; returns once the server accepts connections
                long ready = System.nanoTime();
                pgkeeper.restarted(ready);
                plain.restarted(ready);
                double a = pgkeeper.awaitRecovery(Duration.ofSeconds(30));
                double b = plain.awaitRecovery(Duration.ofSeconds(30));
                Thread.sleep(50);
                double installed = connectedAt[0] == 0 ? Double.NaN : Math.max(0, (connectedAt[0] - ready) / 1e6);
                ours.add(a);
                theirs.add(b);
                poolInstalled.add(installed);
                System.out.printf(Locale.ROOT, "ROUND recovery %d pgkeeper %.1f ms (fresh pool at %.1f ms, %d calls failed)"
                        + " plain-hikari %.1f ms (%d calls failed)%n", i + 1, a, installed, pgkeeper.failures(),
                        b, plain.failures());
            }
        } finally {
            pgkeeper.stop();
            plain.stop();
        }
        line(String.format(Locale.ROOT, "BENCH recovery_ms median=%.0f max=%.0f", Stats.median(ours), max(ours)));
        line(String.format(Locale.ROOT, "BENCH recovery_ms-plain-hikari median=%.0f max=%.0f", Stats.median(theirs), max(theirs)));
        report("recovery", "pgkeeper", "plain-hikari", Stats.median(ours), Stats.median(theirs), "ms");
    }

    /** One thread calling the database every millisecond, noting the first success after a restart. */
    private static final class Caller {
        private final String name;
        private final BooleanSupplier call;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile long readyAt;
        private volatile long recoveredAt;
        private volatile int failures;

        Caller(String name, Callable call) {
            this.name = name;
            this.call = () -> {
                try {
                    return call.call();
                } catch (Exception e) {
                    return false;
                }
            };
            this.thread = new Thread(this::loop, "bench-caller-" + name);
        }

        @FunctionalInterface
        interface Callable {
            boolean call() throws Exception;
        }

        void start() {
            thread.start();
        }

        void expectRestart() {
            readyAt = 0;
            recoveredAt = 0;
            failures = 0;
        }

        void restarted(long ready) {
            readyAt = ready;
        }

        int failures() {
            return failures;
        }

        double awaitRecovery(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (recoveredAt == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " did not recover within " + timeout);
                }
                Thread.sleep(1);
            }
            return Math.max(0, (recoveredAt - readyAt) / 1e6);
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }

        private void loop() {
            while (running) {
                boolean ok = call.getAsBoolean();
                long now = System.nanoTime();
                long ready = readyAt;
                if (!ok) {
                    failures++;
                } else if (ready != 0 && recoveredAt == 0) {
                    recoveredAt = now;
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    // ---------------------------------------------------------------- 5: startup and an idle manager's heap

    private void startupAndHeap() throws Exception {
        List<Double> ours = new ArrayList<>();
        List<Double> theirs = new ArrayList<>();
        for (int i = 0; i < plan.startups(); i++) {
            long start = System.nanoTime();
            ConnectionManager manager = ConnectionManager.create(Contenders.pgkeeperConfig(server).build());
            if (!manager.initializeConnection().success()) {
                throw new IllegalStateException("pgkeeper did not connect");
            }
            ours.add((System.nanoTime() - start) / 1e6);
            manager.disconnect();

            start = System.nanoTime();
            try (HikariDataSource plain = Contenders.plainPool(server);
                 Connection c = plain.getConnection()) {
                c.isValid(1);
                theirs.add((System.nanoTime() - start) / 1e6);
            }
        }
        System.out.println("ROUND startup pgkeeper " + ours + " ms; plain-hikari " + theirs + " ms");
        report("startup", "pgkeeper", "plain-hikari", Stats.median(ours), Stats.median(theirs), "ms");

        List<Double> ourHeap = new ArrayList<>();
        List<Double> theirHeap = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long before = usedHeapAfterGc();
            ConnectionManager manager = ConnectionManager.create(Contenders.pgkeeperConfig(server).build());
            manager.initializeConnection();
            awaitTrue(() -> manager.getConnectionStatus().pool().total() == Contenders.POOL_SIZE);
            ourHeap.add((usedHeapAfterGc() - before) / 1024.0);
            manager.disconnect();

            before = usedHeapAfterGc();
            try (HikariDataSource plain = Contenders.plainPool(server)) {
                awaitTrue(() -> plain.getHikariPoolMXBean() != null
                        && plain.getHikariPoolMXBean().getTotalConnections() == Contenders.POOL_SIZE);
                theirHeap.add((usedHeapAfterGc() - before) / 1024.0);
            }
        }
        System.out.println("ROUND idle_heap pgkeeper " + ourHeap + " KiB; plain-hikari " + theirHeap + " KiB");
        report("idle_heap_pool10", "pgkeeper", "plain-hikari", Stats.median(ourHeap), Stats.median(theirHeap), "KiB");
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the pool did not fill within 30 s");
            }
            Thread.sleep(10);
        }
    }

    // ---------------------------------------------------------------- the harness

    /** One measurement of one contender in one round; client CPU per call where the harness ran the calls. */
    private record Measurement(double value, long[] latenciesNanos, double cpuMicrosPerCall) {
        Measurement(double value, long[] latenciesNanos) {
            this(value, latenciesNanos, Double.NaN);
        }
    }

    /** Something measured once per round: its throughput, and latencies when recorded. */
    @FunctionalInterface
    private interface Contender {
        Measurement measure(Duration duration, boolean warmUp) throws Exception;
    }

    private Contender load(int threads, boolean recordLatency, Load.Operation operation) {
        return (duration, warmUp) -> {
            Load.Result r = Load.run(threads, duration, recordLatency, operation);
            return new Measurement(r.perSecond(), r.latenciesNanos(), r.cpuMicrosPerCall());
        };
    }

    private Contender pgbench(List<String> script, int clients) {
        return (duration, warmUp) -> new Measurement(pgbench.tps(script, clients, duration), null);
    }

    /** A piece of work that may fail. */
    @FunctionalInterface
    private interface Job {
        void run() throws Exception;
    }

    /**
     * Inserts {@code rows} rows once per repetition, five times per round and ten when warming up; rows per
     * second of the median repetition.
     */
    private Contender batch(int rows, Job insert) {
        return (duration, warmUp) -> {
            List<Double> rates = new ArrayList<>();
            int repetitions = warmUp ? 10 : 5;
            for (int i = 0; i < repetitions; i++) {
                truncateHistory();
                long start = System.nanoTime();
                insert.run();
                rates.add(rows / ((System.nanoTime() - start) / 1e9));
                if (count("pgbench_history") != rows) {
                    throw new IllegalStateException("the batch did not insert " + rows + " rows");
                }
            }
            return new Measurement(Stats.median(rates), null);
        };
    }

    /**
     * Warms every contender up once, then measures them in turn, round after round, rotating the order so
     * that each one runs in each position.
     */
    private Map<String, List<Measurement>> alternate(String name, Map<String, Contender> all) throws Exception {
        for (Map.Entry<String, Contender> c : all.entrySet()) {
            if (!c.getKey().equals("pgbench")) {
                c.getValue().measure(plan.warmup(), true);
            }
        }
        Map<String, List<Measurement>> results = new LinkedHashMap<>();
        List<String> order = new ArrayList<>(all.keySet());
        for (int round = 1; round <= plan.rounds(); round++) {
            for (String contender : order) {
                Thread.sleep(SETTLE.toMillis()); // let the server finish with the previous contender's sessions
                Measurement m = all.get(contender).measure(plan.run(), false);
                results.computeIfAbsent(contender, k -> new ArrayList<>()).add(m);
                System.out.printf(Locale.ROOT, "ROUND %s %d %s %.0f%s%n", name, round, contender, m.value(),
                        Double.isNaN(m.cpuMicrosPerCall()) ? "" : String.format(Locale.ROOT, " (client CPU %.1f us/call)",
                                m.cpuMicrosPerCall()));
            }
            // A B C D, then B C D A, ...: no contender always runs first, or always right after pgbench.
            order.add(order.remove(0));
        }
        return results;
    }

    private void ratios(String name, Map<String, List<Measurement>> results, String unit, String... baselines) {
        double ours = median(results.get("pgkeeper"));
        for (String baseline : baselines) {
            report(name, "pgkeeper", baseline, ours, median(results.get(baseline)), unit);
        }
        cpu(name, results, baselines);
    }

    /** Client CPU per call of the contenders the harness ran, as detail lines: what each stack costs the caller. */
    private void cpu(String name, Map<String, List<Measurement>> results, String... baselines) {
        List<Double> ours = results.get("pgkeeper").stream().map(Measurement::cpuMicrosPerCall).toList();
        if (ours.stream().anyMatch(v -> Double.isNaN(v))) {
            return;
        }
        for (String baseline : baselines) {
            List<Double> theirs = results.get(baseline).stream().map(Measurement::cpuMicrosPerCall).toList();
            if (theirs.stream().noneMatch(v -> Double.isNaN(v))) {
                line(String.format(Locale.ROOT, "BENCH-DETAIL %s client_cpu_us_per_call pgkeeper=%.1f %s=%.1f", name,
                        Stats.median(ours), baseline, Stats.median(theirs)));
            }
        }
    }

    private static double median(List<Measurement> measurements) {
        return Stats.median(measurements.stream().map(Measurement::value).toList());
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    private void report(String name, String contender, String baseline, double ours, double theirs, String unit) {
        line(String.format(Locale.ROOT, "BENCH %s %s/%s=%.3f (%s vs %s %s)", name, contender, baseline, ours / theirs,
                format(ours), format(theirs), unit));
    }

    private static String format(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private void line(String text) {
        System.out.println(text);
        try {
            Files.writeString(FIGURES, text + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("could not write " + FIGURES.toAbsolutePath() + ": " + e);
        }
    }

    private int account(ThreadLocalRandom random) {
        return random.nextInt(1, accounts + 1);
    }

    private History history(ThreadLocalRandom random) {
        return new History(random.nextInt(1, plan.scale() * 10 + 1), random.nextInt(1, plan.scale() + 1),
                account(random), random.nextInt(-5000, 5001));
    }

    private static void bind(PreparedStatement ps, History h) throws SQLException {
        ps.setInt(1, h.tid());
        ps.setInt(2, h.bid());
        ps.setInt(3, h.aid());
        ps.setInt(4, h.delta());
    }

    private void truncateHistory() throws SQLException {
        try (Connection c = contenders.plainPool.getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE pgbench_history");
        }
    }

    private long count(String table) throws SQLException {
        try (Connection c = contenders.plainPool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String machine(PrivateServer server, Pgbench pgbench) throws SQLException {
        String version;
        try (Connection c = server.admin("postgres").connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            version = rs.getString(1);
        }
        return String.format(Locale.ROOT, "%d cores, %s, Java %s (%s), PostgreSQL %s (embedded, private), %s",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name") + " "
                        + System.getProperty("os.version"), System.getProperty("java.version"),
                System.getProperty("java.vm.name"), version, pgbench.executable());
    }
}
