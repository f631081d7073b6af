package dev.pgkeeper.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Contender (d): PostgreSQL's own pgbench (C, libpq), the practical ceiling for a client on this machine. */
final class Pgbench {

    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");

    private final Path executable;
    private final String host;
    private final int port;

    private Pgbench(Path executable, String host, int port) {
        this.executable = executable;
        this.host = host;
        this.port = port;
    }

    /**
     * Finds pgbench on the PATH or in the usual PostgreSQL package directories.
     *
     * @throws IllegalStateException naming what to install when there is none
     */
    static Pgbench locate(String host, int port) {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "pgbench"));
            }
        }
        for (String root : List.of("/usr/lib/postgresql", "/usr/pgsql")) {
            try (Stream<Path> versions = Files.list(Path.of(root))) {
                versions.sorted(Comparator.reverseOrder()).forEach(v -> candidates.add(v.resolve("bin/pgbench")));
            } catch (IOException e) {
                // no such directory on this machine
            }
        }
        Optional<Path> found = candidates.stream().filter(Files::isExecutable).findFirst();
        return new Pgbench(found.orElseThrow(() -> new IllegalStateException(
                "pgbench was not found on the PATH or under /usr/lib/postgresql/*/bin. It comes with PostgreSQL's"
                        + " server package: install it (Debian/Ubuntu: apt-get install postgresql; RHEL:"
                        + " dnf install postgresql-contrib) and run again.")), host, port);
    }

    Path executable() {
        return executable;
    }

    /** {@code pgbench -i -s scale}: creates and fills pgbench's tables. */
    void initialize(int scale) throws IOException, InterruptedException {
        run(List.of("-i", "-s", Integer.toString(scale), "-q"), Duration.ofMinutes(5));
    }

    /** Runs a built-in or custom script for {@code duration} with {@code clients} connections; returns tps. */
    double tps(List<String> script, int clients, Duration duration) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(script);
        args.addAll(List.of("-M", "prepared", "-c", Integer.toString(clients), "-j", Integer.toString(Math.min(clients, 2)),
                "-T", Long.toString(duration.toSeconds()), "-n"));
        String out = run(args, duration.plusMinutes(1));
        Matcher m = TPS.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("pgbench printed no tps:\n" + out);
        }
        return Double.parseDouble(m.group(1));
    }

    /** A custom script file in a temporary directory. */
    static Path script(String name, String text) throws IOException {
        Path file = Files.createTempFile("pgkeeper-bench-" + name, ".sql");
        file.toFile().deleteOnExit();
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private String run(List<String> args, Duration timeout) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(executable.toString(), "-h", host, "-p", Integer.toString(port),
                "-U", "postgres"));
        command.addAll(args);
        command.add("postgres");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("pgbench did not finish within " + timeout + ": " + command);
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("pgbench exited " + process.exitValue() + ": " + command + "\n" + text);
        }
        return text;
    }
}
