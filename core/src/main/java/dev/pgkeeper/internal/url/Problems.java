package dev.pgkeeper.internal.url;

import java.util.ArrayList;
import java.util.List;

/**
 * The errors and warnings found while reading one database URL, in the order they were found, so that
 * the same URL always gives the same messages in the same order.
 *
 * <p>Not thread-safe: one instance serves one parse.
 */
final class Problems {

    private final List<String> errors = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    /** Records something that makes the URL unusable. */
    void error(String message) {
        errors.add(message);
    }

    /** Records something that works but is ignored or risky. */
    void warning(String message) {
        warnings.add(message);
    }

    /** {@code true} once any error has been recorded. */
    boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** The errors so far, oldest first; unmodifiable. */
    List<String> errors() {
        return List.copyOf(errors);
    }

    /** The warnings so far, oldest first; unmodifiable. */
    List<String> warnings() {
        return List.copyOf(warnings);
    }
}
