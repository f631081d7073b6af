package dev.pgkeeper;

import java.util.List;
import java.util.Objects;

/**
 * The verdict on a database URL: whether it can be used, and why not or what to watch out for.
 * Messages never contain a password.
 *
 * @param valid    {@code true} when there are no errors (warnings do not make a URL invalid)
 * @param errors   problems that prevent connecting, each saying what is wrong and how to fix it; unmodifiable
 * @param warnings things that work but are risky or ignored; unmodifiable
 */
public record ValidationResult(boolean valid, List<String> errors, List<String> warnings) {

    /**
     * @param valid {@code true} when there are no errors (warnings do not make a URL invalid)
     * @param errors problems that prevent connecting, each saying what is wrong and how to fix it; unmodifiable
     * @param warnings things that work but are risky or ignored; unmodifiable
     * @throws NullPointerException     if a list is {@code null}
     * @throws IllegalArgumentException if {@code valid} disagrees with {@code errors}
     */
    public ValidationResult {
        errors = List.copyOf(Objects.requireNonNull(errors, "errors"));
        warnings = List.copyOf(Objects.requireNonNull(warnings, "warnings"));
        if (valid != errors.isEmpty()) {
            throw new IllegalArgumentException("valid must be true exactly when there are no errors");
        }
    }
}
