package dev.pgkeeper.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Where the lifecycle fault tests leave what they measured: standard output (the test's report file) and
 * {@code target/lifecycle-figures.txt}, one line per figure, so a failing run still says by how much.
 */
final class Figures {

    private static final Path FILE = Path.of("target", "lifecycle-figures.txt");

    private Figures() {
    }

    static synchronized void record(String test, String format, Object... args) {
        String line = Instant.now() + " " + test + ": " + String.format(format, args);
        System.out.println(line);
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
