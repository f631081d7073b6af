package dev.pgkeeper.flyway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the packaged {@code pgkeeper-flyway-<version>-cli.jar} with {@code java -jar}, as a container would. */
final class CliJar {

    private CliJar() {
    }

    /** The exit code and everything the process printed (standard output and error together). */
    record Result(int exit, String output) {
    }

    static Path jar() {
        String jar = System.getProperty("pgkeeper.test.cliJar");
        assertThat(jar).as("system property pgkeeper.test.cliJar, set by the pom").isNotBlank();
        assertThat(Path.of(jar)).as("the CLI jar is packaged before the integration tests run").exists();
        return Path.of(jar);
    }

    static Result run(Map<String, String> env, String command) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java.toString(), "-jar", jar().toString(), command))
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("DB_") || k.startsWith("DATABASE_")
                || k.startsWith("FLYWAY_"));
        builder.environment().putAll(env);
        Path output = Files.createTempFile("pgkeeper-flyway-cli", ".txt");
        try {
            Process process = builder.redirectOutput(output.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("java -jar " + command + " did not finish in 60 s: " + Files.readString(output));
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
