package dev.pgkeeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Shared plumbing (test infrastructure, not API) of the fixtures that run Debian's server packages ({@link PatroniCluster},
 * {@link PgBouncerServer}): running a program as the OS user {@code postgres}, stopping a process tree,
 * log tails, and the check that the packages are installed.
 */
public final class ServerProcesses {

    /** The command that installs what the several-servers fixtures need. */
    public static final String INSTALL_COMMAND =
            "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q patroni etcd-server pgbouncer";

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private ServerProcesses() {
    }

    /** Fails (never skips) when {@code program} is missing, naming the install command. */
    public static Path require(String program) {
        for (String dir : new String[] {"/usr/bin", "/usr/sbin", "/usr/local/bin"}) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException(program + " is not installed; the several-servers fixtures need Debian's "
                + "patroni, etcd-server and pgbouncer packages: " + INSTALL_COMMAND);
    }

    /** The newest PostgreSQL server package's bin directory ({@code /usr/lib/postgresql/N/bin}). */
    static Path postgresBinDir() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparingInt(b -> Integer.parseInt(b.getParent().getFileName().toString())))
                    .orElseThrow();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("no PostgreSQL server package under /usr/lib/postgresql (pg_ctl): "
                    + "apt-get install -y -q postgresql", e);
        }
    }

    /** The command, run as OS user {@code postgres} when this JVM is root (PostgreSQL and PgBouncer refuse root). */
    static List<String> asPostgres(String... command) {
        List<String> full = new ArrayList<>();
        if (ROOT) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        return full;
    }

    /** Hands {@code dir} and everything under it to OS user {@code postgres} (only when root). */
    static void chownToPostgres(Path dir) {
        if (ROOT) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()), 30);
        }
    }

    /** Starts {@code command} with stdout and stderr appended to {@code log}. */
    static Process start(List<String> command, Path workDir, Path log) {
        try {
            return new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command, e);
        }
    }

    /** Runs a command to completion (bounded); returns its output, throws if it failed. */
    static String run(List<String> command, int timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes(); // ends when the process closes its output
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                stopTree(p, 0);
                throw new IllegalStateException(command + " did not finish within " + timeoutSeconds + " s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(command + " exited " + p.exitValue() + ":\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Stops a process and everything it started: SIGTERM to the process and its direct children ({@code runuser}
     * and the server it runs, which stops its own children), up to {@code graceSeconds} for the whole tree to
     * end, then SIGKILL to whatever is left.
     */
    static void stopTree(Process process, int graceSeconds) {
        if (process == null) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        process.children().forEach(ProcessHandle::destroy);
        process.toHandle().destroy();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(graceSeconds);
        while (tree.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            PrivateServer.sleepQuietly(50);
        }
        // Descendants started meanwhile (a postmaster's backends) are caught by a second look.
        List<ProcessHandle> left = new ArrayList<>(process.descendants().toList());
        left.addAll(tree);
        left.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        left.forEach(h -> h.onExit().completeOnTimeout(h, 10, TimeUnit.SECONDS).join());
    }

    /** GET {@code url}: the HTTP status, or -1 when nothing answered. */
    static int httpStatus(String url) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(2000);
            try {
                return c.getResponseCode();
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return -1;
        }
    }

    /** The last {@code lines} lines of a log file (or of the newest file in a log directory), labelled. */
    static String tail(Path file, int lines) {
        try {
            Path f = file;
            if (Files.isDirectory(f)) {
                try (Stream<Path> files = Files.list(f)) {
                    f = files.filter(Files::isRegularFile)
                            .max(Comparator.comparingLong(p -> p.toFile().lastModified())).orElse(null);
                }
            }
            if (f == null || !Files.exists(f)) {
                return "\n--- " + file + ": (none)";
            }
            List<String> all = Files.readAllLines(f, StandardCharsets.UTF_8);
            return "\n--- last lines of " + f + ":\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "\n--- " + file + ": unreadable (" + e + ")";
        }
    }

    /**
     * A temp folder of this JVM for one fixture: {@code java.io.tmpdir/PREFIX-...}, with {@code owner.pid}. Folders
     * with that prefix whose owner died (a JVM killed with {@code kill -9} runs no shutdown hook) are cleaned
     * first: processes whose command line names the folder are killed, then the folder is removed.
     */
    static Path createOwnedTempDirectory(String prefix) {
        cleanStale(prefix);
        try {
            Path dir = Files.createTempDirectory(prefix);
            Files.writeString(dir.resolve("owner.pid"), Long.toString(ProcessHandle.current().pid()));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized void cleanStale(String prefix) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> dirs = Files.list(tmp)) {
            dirs.filter(d -> d.getFileName().toString().startsWith(prefix) && Files.isDirectory(d))
                    .filter(ServerProcesses::ownerIsGone)
                    .forEach(d -> {
                        String path = d.toAbsolutePath().toString();
                        List<String> segments;
                        try (Stream<Path> files = Files.walk(d, 3)) {
                            segments = files.filter(f -> f.getFileName().toString().equals("postmaster.pid"))
                                    .map(ServerProcesses::sharedMemoryId).flatMap(Optional::stream).toList();
                        } catch (IOException | UncheckedIOException e) {
                            segments = List.of();
                        }
                        List<ProcessHandle> left = ProcessHandle.allProcesses()
                                .filter(h -> h.info().commandLine().map(c -> c.contains(path)).orElse(false))
                                .toList();
                        left.forEach(ProcessHandle::destroyForcibly);
                        left.forEach(h -> h.onExit().completeOnTimeout(h, 10, TimeUnit.SECONDS).join());
                        PrivateServer.sleepQuietly(500); // backends notice their postmaster's death
                        removeOrphanedSegments(segments);
                        deleteRecursively(d);
                    });
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }

    private static boolean ownerIsGone(Path dir) {
        try {
            long owner = Long.parseLong(Files.readString(dir.resolve("owner.pid")).trim());
            return ProcessHandle.of(owner).map(p -> !p.isAlive()).orElse(true);
        } catch (IOException | NumberFormatException e) {
            return false; // not ours, or still being set up
        }
    }

    /** The System V shared memory id from line 7 of a {@code postmaster.pid} ("key id"). */
    static Optional<String> sharedMemoryId(Path postmasterPid) {
        try {
            List<String> lines = Files.readAllLines(postmasterPid);
            String[] keyAndId = lines.size() > 6 ? lines.get(6).trim().split("\\s+") : new String[0];
            return keyAndId.length == 2 ? Optional.of(keyAndId[1]) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Removes those of the given System V shared memory segments that nothing is attached to any more. */
    static void removeOrphanedSegments(Collection<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        try {
            for (String line : run(List.of("ipcs", "-m"), 10).split("\n")) {
                String[] f = line.trim().split("\\s+"); // key shmid owner perms bytes nattch [status]
                if (f.length >= 6 && ids.contains(f[1]) && "0".equals(f[5])) {
                    run(List.of("ipcrm", "-m", f[1]), 10);
                }
            }
        } catch (RuntimeException e) {
            // best effort: a 56-byte segment
        }
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a test's temp folder
        }
    }
}
