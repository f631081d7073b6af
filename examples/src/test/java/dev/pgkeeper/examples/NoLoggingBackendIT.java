package dev.pgkeeper.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.examples.newuser.NewUserApp;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestPostgres;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What a new user sees who adds pgkeeper-core and no logging backend: {@link NewUserApp} runs in a JVM of its
 * own whose class path is this module's without log4j-core, log4j-slf4j2-impl and log4j-jul. The output has
 * the application's own lines, Log4j's one-line notice that it found no provider and SLF4J's three lines (once
 * HikariCP starts), and nothing else: no stack trace, no password, whether the server is there or not.
 */
class NoLoggingBackendIT {

    private static final String PASSWORD = "n0-backend-s3cret";

    @Test
    void aServerThatAnswersGivesTheAppsLinesAndTheBackendNoticesOnly() throws Exception {
        TestDatabase db = TestPostgres.server().createDatabase("NoLoggingBackendIT");
        try {
            String url = "postgresql://" + db.user() + ":" + PASSWORD + "@" + db.host() + ":" + db.port() + "/" + db.database();
            List<String> lines = run(url);
            assertThat(lines).contains("connected: true", "query: true", "done");
            assertQuiet(lines);
        } finally {
            TestPostgres.server().dropDatabase(db.database());
        }
    }

    @Test
    void aServerThatIsDownGivesTheAppsLinesAndTheBackendNoticeOnly() throws Exception {
        List<String> lines = run("postgresql://app:" + PASSWORD + "@127.0.0.1:" + PrivateServer.freePort() + "/app");
        assertThat(lines).contains("connected: false", "query failed: NETWORK_ERROR", "done");
        assertQuiet(lines);
    }

    @Test
    void twoSystemPropertiesSilenceTheBackendNotices() throws Exception {
        TestDatabase db = TestPostgres.server().createDatabase("NoLoggingBackendIT");
        try {
            String url = "postgresql://" + db.user() + ":" + PASSWORD + "@" + db.host() + ":" + db.port() + "/" + db.database();
            List<String> lines = run(url, "-Dlog4j2.statusLoggerLevel=OFF", "-Dslf4j.internal.verbosity=ERROR");
            assertThat(lines).containsExactly("connected: true", "query: true", "done");
        } finally {
            TestPostgres.server().dropDatabase(db.database());
        }
    }

    private static void assertQuiet(List<String> lines) {
        List<String> others = lines.stream()
                .filter(l -> !l.startsWith("connected: ") && !l.startsWith("query") && !l.equals("done"))
                .filter(l -> !l.endsWith("ERROR Log4j API could not find a logging provider."))
                .filter(l -> !l.startsWith("SLF4J(W): "))
                .toList();
        assertThat(others).as("lines besides the app's and the two backend notices").isEmpty();
        assertThat(String.join("\n", lines)).doesNotContain(PASSWORD).doesNotContain("\tat ").doesNotContain("Exception");
    }

    /**
     * This JVM's class path; Maven's test runner passes it in the manifest of a jar of its own, which is then the
     * only entry.
     */
    private static List<String> classPathEntries() throws IOException {
        String[] entries = System.getProperty("java.class.path").split(File.pathSeparator);
        if (entries.length != 1 || !entries[0].endsWith(".jar")) {
            return Arrays.asList(entries);
        }
        try (JarFile jar = new JarFile(entries[0])) {
            String manifestPath = jar.getManifest() == null ? null : jar.getManifest().getMainAttributes().getValue("Class-Path");
            if (manifestPath == null) {
                return Arrays.asList(entries);
            }
            URI base = Path.of(entries[0]).toAbsolutePath().getParent().toUri();
            return Arrays.stream(manifestPath.split(" ")).filter(e -> !e.isBlank())
                    .map(e -> Path.of(base.resolve(e)).toString()).toList();
        }
    }

    /** Runs {@link NewUserApp} with this JVM's class path minus the logging backend; returns stdout and stderr. */
    private static List<String> run(String url, String... jvmOptions) throws IOException, InterruptedException {
        String classPath = classPathEntries().stream()
                .filter(entry -> !entry.matches(".*log4j-(core|slf4j2-impl|jul|layout-template-json)-.*"))
                .collect(Collectors.joining(File.pathSeparator));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(java.toString()));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", classPath, NewUserApp.class.getName(), url));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("NewUserApp did not finish within 60 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.println("NewUserApp printed:\n" + out);
        assertThat(p.exitValue()).as("exit value; output:%n%s", out).isZero();
        return out.lines().toList();
    }
}
