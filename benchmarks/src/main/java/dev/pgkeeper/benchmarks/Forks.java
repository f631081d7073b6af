package dev.pgkeeper.benchmarks;

import dev.pgkeeper.benchmarks.Contenders.Target;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@link Fork} JVMs and talks to them: the same Java, class path and heap as this JVM, the
 * {@code bench.*} system properties passed on, and {@code -Dbench.forkJvm="..."} added for profilers
 * ({@code {fork}} in it becomes the fork's name, e.g. a JFR file per fork).
 */
final class Forks {

    /**
     * A contender whose name ends so runs with pgjdbc's java.util.logging routed to Log4j 2 (log4j-jul's
     * LogManager), as the README's logging section shows; every other fork runs with the JDK's own.
     */
    static final String LOG4J_JUL = "-log4j-jul";
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static int started;

    private Forks() {
    }

    /** Runs a fork to its end; returns the numbers of each {@code RESULT} line it printed. */
    static List<double[]> run(String workload, String contender, Target target, Map<String, String> options)
            throws IOException, InterruptedException {
        Child child = start(workload, contender, target, options);
        List<double[]> results = new ArrayList<>();
        for (String line = child.next(TIMEOUT); line != null; line = child.next(TIMEOUT)) {
            results.add(numbers(line));
        }
        child.finish();
        return results;
    }

    /** Starts a fork that waits for commands on its standard input. */
    static Child start(String workload, String contender, Target target, Map<String, String> options) throws IOException {
        String name = workload + "-" + contender + "-" + (++started);
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xms1g", "-Xmx1g"));
        if (contender.endsWith(LOG4J_JUL)) {
            command.add("-Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager");
        }
        System.getProperties().stringPropertyNames().stream().filter(p -> p.startsWith("bench.") && !p.equals("bench.forkJvm"))
                .sorted().forEach(p -> command.add("-D" + p + "=" + System.getProperty(p)));
        String extra = System.getProperty("bench.forkJvm", "").trim();
        if (!extra.isEmpty()) {
            Arrays.stream(extra.split("\\s+")).map(o -> o.replace("{fork}", name)).forEach(command::add);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Fork.class.getName(), workload, contender,
                target.host(), Integer.toString(target.port())));
        options.forEach((k, v) -> command.add(k + "=" + v));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new Child(name, process);
    }

    private static double[] numbers(String resultLine) {
        return Arrays.stream(resultLine.substring("RESULT ".length()).trim().split(" ")).mapToDouble(Double::parseDouble)
                .toArray();
    }

    /** The Java that runs this JVM. */
    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A running fork: its {@code READY} and {@code RESULT} lines, and commands to it. */
    static final class Child {
        private static final String END = "\u0000end";
        private final String name;
        private final Process process;
        private final Writer commands;
        private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

        private Child(String name, Process process) {
            this.name = name;
            this.process = process;
            this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        if (line.equals("READY") || line.startsWith("RESULT ")) {
                            lines.add(line);
                        } else {
                            System.out.println("[" + name + "] " + line);
                        }
                    }
                } catch (IOException e) {
                    System.err.println("[" + name + "] " + e);
                } finally {
                    lines.add(END);
                }
            }, "bench-fork-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits for {@code READY}. */
        void awaitReady() throws InterruptedException {
            String line = next(TIMEOUT);
            if (!"READY".equals(line)) {
                throw new IllegalStateException(name + " did not get ready (exit " + exitCode() + ")");
            }
        }

        /** Sends {@code <command> <System.nanoTime()>}. */
        void sendNow(String command) throws IOException {
            send(command + " " + System.nanoTime());
        }

        void send(String line) throws IOException {
            commands.write(line + "\n");
            commands.flush();
        }

        /** The next {@code RESULT} line's numbers. */
        double[] result() throws InterruptedException {
            String line = next(TIMEOUT);
            if (line == null || !line.startsWith("RESULT ")) {
                throw new IllegalStateException(name + " printed no result (exit " + exitCode() + ")");
            }
            return numbers(line);
        }

        /** Waits for the fork to end; it must end well. */
        void finish() throws InterruptedException, IOException {
            commands.close();
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(name + " did not end within " + TIMEOUT);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(name + " failed with exit code " + process.exitValue()
                        + " (its error output is above)");
            }
        }

        /** The next line, or {@code null} once the fork's output has ended. */
        private String next(Duration timeout) throws InterruptedException {
            String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                process.destroyForcibly();
                throw new IllegalStateException(name + " printed nothing for " + timeout);
            }
            if (line.equals(END)) {
                lines.add(END);
                return null;
            }
            return line;
        }

        private String exitCode() throws InterruptedException {
            return process.waitFor(10, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "still running";
        }
    }
}
