package dev.pgkeeper.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.benchmarks.Contenders.Target;
import dev.pgkeeper.testing.PrivateServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * Measures, in one run against one private PostgreSQL server, what pgkeeper costs next to plain MyBatis,
 * raw JDBC and pgbench, and how it comes through a restart next to plain MyBatis on plain HikariCP. Every
 * Java contender's measurement runs in a JVM of its own ({@link Fork}); the contenders alternate fork by
 * fork, the order rotated each round (A B C D, B C D A, ...), so that drift on a shared machine and the
 * position in a round hit all of them alike.
 *
 * <p>Prints {@code BENCH <name> <contender>/<baseline>=<ratio> (<median> vs <median> <unit>)
 * spread=<min>..<max> forks=<n>} lines (also written to {@code benchmarks/target/bench-figures.txt}): the
 * ratio is the median over the rounds of the ratio measured in each round, the spread its lowest and highest
 * value, the medians those of each contender's forks. {@code ROUND} lines show every fork. Argument
 * {@code quick} runs a short smoke version whose figures mean little.
 *
 * <pre>mvn -q -pl benchmarks -am compile exec:exec</pre>
 */
public final class Benchmarks {

    private static final Path FIGURES = Path.of("target", "bench-figures.txt");
    private static final Duration SETTLE = Duration.ofMillis(250);
    private static final List<String> SECTIONS = List.of("select", "insert", "batch", "copy", "faults", "recovery", "startup",
            "fleet");
    /** Sections run only when named: investigations, not part of the figures. */
    private static final List<String> EXTRA_SECTIONS = List.of("overhead");
    private static final int WRITERS = 16;

    /** How long and how often; the quick plan only proves the harness works. */
    private record Plan(int scale, int forks, Duration warmup, Duration run, int iterations, int batchRows,
                        int copyRows, int bulkWarmups, int bulkRepetitions, Duration faultWindow, int restarts,
                        int startups, int fleetInstances, Duration fleetOutage) {
        static Plan of(String name) {
            return switch (name) {
                case "full" -> new Plan(10, 5, Duration.ofSeconds(2), Duration.ofSeconds(2), 2, 10_000, 100_000, 10, 5,
                        Duration.ofSeconds(3), 10, 10, 200, Duration.ofSeconds(10));
                case "quick" -> new Plan(1, 1, Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 1_000, 5_000, 2, 2,
                        Duration.ofSeconds(1), 2, 2, 50, Duration.ofSeconds(3));
                default -> throw new IllegalArgumentException("Unknown plan '" + name + "': use full or quick");
            };
        }

        Plan withForks(int rounds) {
            return new Plan(scale, rounds, warmup, run, iterations, batchRows, copyRows, bulkWarmups, bulkRepetitions,
                    faultWindow, restarts, startups, fleetInstances, fleetOutage);
        }

        /** What every fork of a closed-loop workload is told. */
        Map<String, String> loadOptions(int threads) {
            return options("threads", threads, "warmupMs", warmup.toMillis(), "runMs", run.toMillis(),
                    "iterations", iterations);
        }

        Map<String, String> options(Object... pairs) {
            Map<String, String> options = new LinkedHashMap<>();
            options.put("scale", Integer.toString(scale));
            for (int i = 0; i < pairs.length; i += 2) {
                options.put((String) pairs[i], String.valueOf(pairs[i + 1]));
            }
            return options;
        }
    }

    /** One fork's figures: the median of each column of its {@code RESULT} lines. */
    private record Figures(double[] medians) {
        static Figures of(List<double[]> rows) {
            if (rows.isEmpty()) {
                throw new IllegalStateException("a fork printed no result");
            }
            return new Figures(IntStream.range(0, rows.get(0).length)
                    .mapToDouble(col -> Stats.median(rows.stream().map(r -> r[col]).toList())).toArray());
        }

        double value() {
            return medians[0];
        }

        double column(int index) {
            return index < medians.length ? medians[index] : Double.NaN;
        }
    }

    /** Every fork of every contender of one comparison, round by round. */
    private record Rounds(Map<String, List<Figures>> byContender) {
        List<Double> column(String contender, int index) {
            return byContender.get(contender).stream().map(f -> f.column(index)).toList();
        }
    }

    private final Plan plan;
    private final PrivateServer server;
    private final Target target;
    private final Pgbench pgbench;
    private final int accounts;

    private Benchmarks(Plan plan, PrivateServer server, Pgbench pgbench) {
        this.plan = plan;
        this.server = server;
        this.target = new Target(server.host(), server.port());
        this.pgbench = pgbench;
        this.accounts = plan.scale() * 100_000;
    }

    public static void main(String[] arguments) throws Exception {
        // Maven passes -Dbench.args="full recovery forks=3" as one argument: the plan, then the sections to run
        // (all), and forks=<n> to change the number of rounds.
        List<String> args = new ArrayList<>(List.of(String.join(" ", arguments).trim().split("\\s+")));
        Plan plan = Plan.of(args.get(0).isEmpty() ? "full" : args.get(0));
        for (String arg : List.copyOf(args)) {
            if (arg.startsWith("forks=")) {
                plan = plan.withForks(Integer.parseInt(arg.substring("forks=".length())));
                args.remove(arg);
            }
        }
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
            Benchmarks b = new Benchmarks(plan, server, pgbench);
            for (String section : sections) {
                switch (section) {
                    case "select" -> {
                        b.selects(1);
                        b.selects(8);
                    }
                    case "insert" -> {
                        b.inserts(1);
                        b.inserts(8);
                    }
                    case "batch" -> b.batches();
                    case "copy" -> b.copies();
                    case "faults" -> b.faults();
                    case "recovery" -> b.recovery();
                    case "startup" -> b.startupAndHeap();
                    case "fleet" -> FleetRun.run(plan.fleetInstances(), plan.fleetOutage()).forEach(Benchmarks::line);
                    case "overhead" -> {
                        b.overhead(1);
                        b.overhead(8);
                    }
                    default -> throw new AssertionError(section);
                }
            }
        }
        System.out.printf(Locale.ROOT, "# done in %.0f s%n", (System.nanoTime() - began) / 1e9);
        System.exit(0);
    }

    // ---------------------------------------------------------------- closed loops: select, insert

    private void selects(int threads) throws Exception {
        String name = "select_" + threads + "t";
        Rounds rounds = alternate(name, List.of("pgkeeper", "mybatis", "jdbc", "pgbench"), contender -> contender.equals("pgbench")
                ? pgbench(List.of("-S"), threads)
                : Forks.run("select", contender, target, plan.loadOptions(threads)));
        ratios(name, rounds, "ops/s", "mybatis", "jdbc", "pgbench");
        cpu(name, rounds, "mybatis", "jdbc");
        if (threads == 8) {
            report("latency_p50_8t", rounds, 2, "pgkeeper", "mybatis", "us");
            report("latency_p99_8t", rounds, 3, "pgkeeper", "mybatis", "us");
        }
    }

    private void inserts(int threads) throws Exception {
        Path script = Pgbench.script("insert", String.format(Locale.ROOT, """
                \\set aid random(1, %d)
                \\set bid random(1, %d)
                \\set tid random(1, %d)
                \\set delta random(-5000, 5000)
                BEGIN;
                INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (:tid, :bid, :aid, :delta, CURRENT_TIMESTAMP);
                END;
                """, accounts, plan.scale(), plan.scale() * 10));
        String name = "insert_tx_" + threads + "t";
        Rounds rounds = alternate(name, List.of("pgkeeper", "mybatis", "jdbc", "pgbench"), contender -> contender.equals("pgbench")
                ? pgbench(List.of("-f", script.toString()), threads)
                : Forks.run("insert", contender, target, plan.loadOptions(threads)));
        truncateHistory();
        ratios(name, rounds, "ops/s", "mybatis", "jdbc", "pgbench");
        cpu(name, rounds, "mybatis", "jdbc");
    }

    /**
     * Where pgkeeper's cost over plain MyBatis comes from, by subtraction, side by side: the select through
     * pgkeeper's repository; the same with a server-side statement timeout of 30 s (off by default); plain
     * MyBatis on pgkeeper's DataSource (pgkeeper's pool and driver settings, MyBatis used directly); plain
     * MyBatis on plain HikariCP; plain MyBatis on HikariCP given pgkeeper's driver settings by hand; and
     * pgkeeper with pgjdbc's java.util.logging routed to Log4j 2, as the README's logging section shows.
     */
    private void overhead(int threads) throws Exception {
        String name = "overhead_select_" + threads + "t";
        String[] others = {"pgkeeper-statement-timeout", "mybatis-on-pgkeeper-datasource", "mybatis", "mybatis-pgkeeper-settings",
                "pgkeeper" + Forks.LOG4J_JUL};
        List<String> all = new ArrayList<>(List.of("pgkeeper"));
        all.addAll(List.of(others));
        Rounds rounds = alternate(name, all, contender -> Forks.run("select", contender, target, plan.loadOptions(threads)));
        ratios(name, rounds, "ops/s", others);
        cpu(name, rounds, others);
    }

    private List<double[]> pgbench(List<String> script, int clients) throws IOException, InterruptedException {
        List<double[]> results = new ArrayList<>();
        for (int i = 0; i < plan.iterations(); i++) {
            Thread.sleep(SETTLE.toMillis());
            results.add(new double[] {pgbench.tps(script, clients, plan.run())});
        }
        return results;
    }

    // ---------------------------------------------------------------- batches and bulk loads

    /**
     * A batch of single-row inserts in one transaction: pgkeeper's {@code insertInBatches}; plain MyBatis's
     * batch executor on plain HikariCP, and on HikariCP given pgkeeper's driver settings (among them
     * {@code reWriteBatchedInserts}); JDBC's {@code addBatch} on plain HikariCP.
     */
    private void batches() throws Exception {
        String name = "batch_" + plan.batchRows() + "_rows";
        Map<String, String> options = plan.options("rows", plan.batchRows(), "warmups", plan.bulkWarmups(),
                "repetitions", plan.bulkRepetitions());
        Rounds rounds = alternate(name, List.of("pgkeeper", "mybatis", "mybatis-pgkeeper-settings", "jdbc"),
                contender -> Forks.run("batch", contender, target, options));
        ratios(name, rounds, "rows/s", "mybatis", "mybatis-pgkeeper-settings", "jdbc");
    }

    /** COPY: pgkeeper's {@code copyIn} with a row writer against pgjdbc's {@code CopyManager} fed CSV text. */
    private void copies() throws Exception {
        String name = "copy_" + plan.copyRows() + "_rows";
        Map<String, String> options = plan.options("rows", plan.copyRows(), "warmups", plan.bulkWarmups(),
                "repetitions", plan.bulkRepetitions());
        Rounds rounds = alternate(name, List.of("pgkeeper", "copymanager"),
                contender -> Forks.run("copy", contender, target, options));
        ratios(name, rounds, "rows/s", "copymanager");
        truncateHistory();
    }

    // ---------------------------------------------------------------- through a restart

    /**
     * {@value #WRITERS} writers insert a row per transaction, through pgkeeper's repository or through plain
     * MyBatis on plain HikariCP, while the server restarts ({@code pg_ctl restart -m fast}): writes per second
     * in the healthy windows before and after, and the time from the restart's end to the first success.
     */
    private void faults() throws Exception {
        String name = "restart_16_writers";
        Map<String, String> options = plan.options("threads", WRITERS, "warmupMs", plan.warmup().toMillis(),
                "windowMs", plan.faultWindow().toMillis());
        Rounds rounds = alternate(name, List.of("pgkeeper", "mybatis"), contender -> {
            Forks.Child child = Forks.start("faults", contender, target, options);
            child.awaitReady();
            Thread.sleep(plan.faultWindow().toMillis());
            child.sendNow("FAULT");
            server.restart(); // pg_ctl stop -m fast, then start; returns once the server accepts connections
            child.sendNow("UP");
            double[] result = child.result();
            child.finish();
            return List.<double[]>of(result);
        });
        truncateHistory();
        report(name + "_healthy_before", rounds, 0, "pgkeeper", "mybatis", "writes/s");
        report(name + "_healthy_after", rounds, 1, "pgkeeper", "mybatis", "writes/s");
        for (String contender : List.of("pgkeeper", "mybatis")) {
            List<Double> recovery = rounds.column(contender, 2);
            line(String.format(Locale.ROOT, "BENCH-DETAIL %s %s recovery_ms median=%.0f max=%.0f failed_calls median=%.0f",
                    name, contender, Stats.median(recovery), max(recovery), Stats.median(rounds.column(contender, 3))));
        }
    }

    /**
     * One caller per stack, each in its own JVM, selecting once a millisecond while the server restarts:
     * the time from the restart's end to each caller's first success. Both callers see every restart.
     */
    private void recovery() throws Exception {
        Map<String, String> options = plan.options("warmupMs", plan.warmup().toMillis());
        Forks.Child ours = Forks.start("recovery", "pgkeeper", target, options);
        Forks.Child theirs = Forks.start("recovery", "mybatis", target, options);
        List<double[]> ourResults = new ArrayList<>();
        List<double[]> theirResults = new ArrayList<>();
        ours.awaitReady();
        theirs.awaitReady();
        for (int i = 1; i <= plan.restarts(); i++) {
            Thread.sleep(500); // both callers settled and succeeding
            ours.sendNow("FAULT");
            theirs.sendNow("FAULT");
            server.restart();
            ours.sendNow("UP");
            theirs.sendNow("UP");
            double[] a = ours.result();
            double[] b = theirs.result();
            ourResults.add(a);
            theirResults.add(b);
            System.out.printf(Locale.ROOT, "ROUND recovery %d pgkeeper %.1f ms (%.0f calls failed) plain-mybatis %.1f ms"
                    + " (%.0f calls failed)%n", i, a[0], a[1], b[0], b[1]);
        }
        ours.send("STOP");
        theirs.send("STOP");
        ours.finish();
        theirs.finish();
        List<Double> a = ourResults.stream().map(r -> r[0]).toList();
        List<Double> b = theirResults.stream().map(r -> r[0]).toList();
        line(String.format(Locale.ROOT, "BENCH recovery_ms median=%.0f max=%.0f", Stats.median(a), max(a)));
        line(String.format(Locale.ROOT, "BENCH recovery_ms-plain-mybatis median=%.0f max=%.0f", Stats.median(b), max(b)));
    }

    // ---------------------------------------------------------------- startup and an idle manager's heap

    private void startupAndHeap() throws Exception {
        List<Double> ours = new ArrayList<>();
        List<Double> theirs = new ArrayList<>();
        for (int i = 0; i < plan.startups(); i++) {
            long start = System.nanoTime();
            ConnectionManager manager = ConnectionManager.create(Contenders.pgkeeperConfig(target).build());
            if (!manager.initializeConnection().success()) {
                throw new IllegalStateException("pgkeeper did not connect");
            }
            ours.add((System.nanoTime() - start) / 1e6);
            manager.disconnect();

            start = System.nanoTime();
            try (HikariDataSource plain = Contenders.plainPool(target);
                 Connection c = plain.getConnection()) {
                c.isValid(1);
                theirs.add((System.nanoTime() - start) / 1e6);
            }
        }
        System.out.println("ROUND startup pgkeeper " + ours + " ms; plain-hikari " + theirs + " ms");
        reportMedians("startup", "pgkeeper", "plain-hikari", Stats.median(ours), Stats.median(theirs), "ms");

        List<Double> ourHeap = new ArrayList<>();
        List<Double> theirHeap = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long before = usedHeapAfterGc();
            ConnectionManager manager = ConnectionManager.create(Contenders.pgkeeperConfig(target).build());
            manager.initializeConnection();
            awaitTrue(() -> manager.getConnectionStatus().pool().total() == Contenders.POOL_SIZE);
            ourHeap.add((usedHeapAfterGc() - before) / 1024.0);
            manager.disconnect();

            before = usedHeapAfterGc();
            try (HikariDataSource plain = Contenders.plainPool(target)) {
                awaitTrue(() -> plain.getHikariPoolMXBean() != null
                        && plain.getHikariPoolMXBean().getTotalConnections() == Contenders.POOL_SIZE);
                theirHeap.add((usedHeapAfterGc() - before) / 1024.0);
            }
        }
        System.out.println("ROUND idle_heap pgkeeper " + ourHeap + " KiB; plain-hikari " + theirHeap + " KiB");
        reportMedians("idle_heap_pool10", "pgkeeper", "plain-hikari", Stats.median(ourHeap), Stats.median(theirHeap), "KiB");
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

    /** Measures one contender once: a fork, or pgbench; the numbers of each result line. */
    @FunctionalInterface
    private interface Measure {
        List<double[]> run(String contender) throws Exception;
    }

    /**
     * Measures every contender once per round, {@code plan.forks()} rounds, rotating the order so that each
     * one runs in each position.
     */
    private Rounds alternate(String name, List<String> contenders, Measure measure) throws Exception {
        Map<String, List<Figures>> results = new LinkedHashMap<>();
        List<String> order = new ArrayList<>(contenders);
        for (int round = 1; round <= plan.forks(); round++) {
            for (String contender : order) {
                Thread.sleep(SETTLE.toMillis()); // let the server finish with the previous contender's sessions
                Figures f = Figures.of(measure.run(contender));
                results.computeIfAbsent(contender, k -> new ArrayList<>()).add(f);
                System.out.printf(Locale.ROOT, "ROUND %s %d %s %s%n", name, round, contender, describe(f));
            }
            // A B C D, then B C D A, ...: no contender always runs first, or always right after pgbench.
            order.add(order.remove(0));
        }
        return new Rounds(results);
    }

    private static String describe(Figures f) {
        StringBuilder s = new StringBuilder(format(f.value()));
        for (int i = 1; i < f.medians().length; i++) {
            s.append(' ').append(format(f.column(i)));
        }
        return s.toString();
    }

    private void ratios(String name, Rounds rounds, String unit, String... baselines) {
        for (String baseline : baselines) {
            report(name, rounds, 0, "pgkeeper", baseline, unit);
        }
    }

    /**
     * One {@code BENCH} line: the median over the rounds of {@code ours/theirs} measured in the same round,
     * its spread, and each contender's median.
     */
    private void report(String name, Rounds rounds, int column, String ours, String theirs, String unit) {
        List<Double> a = rounds.column(ours, column);
        List<Double> b = rounds.column(theirs, column);
        List<Double> ratios = IntStream.range(0, a.size()).mapToObj(i -> a.get(i) / b.get(i)).toList();
        line(String.format(Locale.ROOT, "BENCH %s %s/%s=%.3f (%s vs %s %s) spread=%.3f..%.3f forks=%d", name, ours, theirs,
                Stats.median(ratios), format(Stats.median(a)), format(Stats.median(b)), unit, min(ratios), max(ratios),
                ratios.size()));
    }

    /** Client CPU per call (the calling threads' CPU time over the calls) of pgkeeper and each baseline. */
    private void cpu(String name, Rounds rounds, String... baselines) {
        List<Double> ours = rounds.column("pgkeeper", 1);
        for (String baseline : baselines) {
            List<Double> theirs = rounds.column(baseline, 1);
            List<Double> differences = IntStream.range(0, ours.size()).mapToObj(i -> ours.get(i) - theirs.get(i)).toList();
            line(String.format(Locale.ROOT, "BENCH-DETAIL %s client_cpu_us_per_call pgkeeper=%.2f %s=%.2f"
                            + " difference=%.2f spread=%.2f..%.2f", name, Stats.median(ours), baseline,
                    Stats.median(theirs), Stats.median(differences), min(differences), max(differences)));
        }
    }

    private void reportMedians(String name, String ours, String theirs, double a, double b, String unit) {
        line(String.format(Locale.ROOT, "BENCH %s %s/%s=%.3f (%s vs %s %s)", name, ours, theirs, a / b, format(a),
                format(b), unit));
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    private static String format(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static void line(String text) {
        System.out.println(text);
        try {
            Files.writeString(FIGURES, text + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("could not write " + FIGURES.toAbsolutePath() + ": " + e);
        }
    }

    private void truncateHistory() throws SQLException {
        try (Connection c = server.admin("postgres").connect(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE pgbench_history");
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
