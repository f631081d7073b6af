package dev.pgkeeper.internal.config;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.internal.url.ConnectionUrl;
import dev.pgkeeper.internal.url.SecretMasker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Collects every problem found while reading and checking a configuration, so that one
 * {@link DatabaseError} can report them all. Each problem names the variable and the builder method,
 * says what is wrong and how to fix it. Values are echoed only after any occurrence of the URL's
 * password has been masked, and long values are cut short.
 *
 * <p>Not thread-safe; one instance per build.
 */
public final class ConfigProblems {

    private static final int MAX_ECHO = 40;

    private final List<String> problems = new ArrayList<>();
    private final String secret;

    /**
     * @param rawUrl the URL being configured (may be {@code null} or invalid); its password, if any, is
     *               masked wherever a value is echoed
     */
    public ConfigProblems(String rawUrl) {
        ConnectionUrl parsed = ConnectionUrl.parse(rawUrl).url();
        String password = parsed == null ? null : parsed.password();
        this.secret = password == null || password.isEmpty() ? null : password;
    }

    /** Reads an integer variable; blank counts as unset. */
    public Optional<Integer> readInt(Map<String, String> variables, String variable, int example) {
        String raw = variables.get(variable);
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(raw.trim()));
        } catch (NumberFormatException e) {
            String what = raw.trim().matches("[+-]?\\d+") ? " is far too large" : " is not a whole number";
            problems.add(variable + ": " + echo(raw) + what + "; set it to a whole number, e.g. "
                    + variable + "=" + example);
            return Optional.empty();
        }
    }

    /** Reads a duration variable given in whole milliseconds; blank counts as unset. */
    public Optional<Duration> readMillis(Map<String, String> variables, String variable) {
        String raw = variables.get(variable);
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofMillis(Long.parseLong(raw.trim())));
        } catch (NumberFormatException e) {
            if (raw.trim().matches("[+-]?\\d+")) {
                problems.add(variable + ": " + echo(raw) + " is far too large; give milliseconds, e.g. "
                        + variable + "=5000");
                return Optional.empty();
            }
            problems.add(variable + ": " + echo(raw) + " is not a whole number of milliseconds; write the number"
                    + " alone, without a unit, e.g. " + variable + "=5000 for five seconds");
            return Optional.empty();
        }
    }

    /** Reads a text variable; blank counts as unset. */
    public Optional<String> readString(Map<String, String> variables, String variable) {
        String raw = variables.get(variable);
        return raw == null || raw.isBlank() ? Optional.empty() : Optional.of(raw.trim());
    }

    /**
     * Reads an enum constant by its name in any case ({@code transaction} for {@code TRANSACTION}); an unknown
     * value is recorded as a problem that lists the allowed ones.
     */
    public <E extends Enum<E>> Optional<E> readChoice(Map<String, String> variables, String variable,
                                                    String builderMethod, Class<E> type) {
        return readString(variables, variable).flatMap(raw -> {
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(raw)) {
                    return Optional.of(e);
                }
            }
            List<String> allowed = java.util.Arrays.stream(type.getEnumConstants())
                    .map(e -> e.name().toLowerCase(java.util.Locale.ROOT)).toList();
            add(variable, builderMethod, echo(raw) + " is not one of " + String.join(", ", allowed),
                    "set one of them, e.g. " + variable + "=" + allowed.get(0));
            return Optional.empty();
        });
    }

    /**
     * Reads {@code true} or {@code false} in any case; blank counts as unset, and any other value (such as
     * {@code yes} or {@code 1}) is recorded as a problem that lists the allowed ones.
     */
    public Optional<Boolean> readBoolean(Map<String, String> variables, String variable, String builderMethod) {
        return readString(variables, variable).flatMap(raw -> {
            if (raw.equalsIgnoreCase("true")) {
                return Optional.of(Boolean.TRUE);
            }
            if (raw.equalsIgnoreCase("false")) {
                return Optional.of(Boolean.FALSE);
            }
            add(variable, builderMethod, echo(raw) + " is not one of true, false",
                    "set one of them, e.g. " + variable + "=false");
            return Optional.empty();
        });
    }

    /**
     * Checks the database URL.
     *
     * @return the parsed URL, or {@code null} when it is missing or invalid (the problems are recorded)
     */
    public ConnectionUrl checkUrl(String variable, String builderMethod, String url) {
        if (url == null || url.isBlank()) {
            add(variable, builderMethod, "is not set",
                    "set it to the database URL, e.g. " + variable + "=postgresql://app@localhost:5432/app");
            return null;
        }
        ConnectionUrl.ParseResult result = ConnectionUrl.parse(url);
        for (String error : result.errors()) {
            problems.add(variable + " (" + builderMethod + "): " + error);
        }
        return result.errors().isEmpty() ? result.url() : null;
    }

    /** Records a problem unless {@code min <= value <= max}. */
    public void checkRange(String variable, String builderMethod, int value, int min, int max) {
        if (value < min || value > max) {
            add(variable, builderMethod, value + " is out of range", "use a value from " + min + " to " + max);
        }
    }

    /** Records a problem unless the duration is set and within {@code [minMillis, maxMillis]}. */
    public void checkDuration(String variable, String builderMethod, Duration value, long minMillis, long maxMillis) {
        if (value == null) {
            add(variable, builderMethod, "is missing", "give a duration from " + minMillis + " to " + maxMillis + " ms");
        } else if (value.isNegative() || value.toMillis() < minMillis || value.toMillis() > maxMillis) {
            add(variable, builderMethod, value.toMillis() + " ms is out of range",
                    "use " + minMillis + " to " + maxMillis + " ms");
        }
    }

    /** Like {@link #checkDuration}, but zero is also allowed (meaning "never"); {@code why} explains the minimum. */
    public void checkDurationZeroOr(String variable, String builderMethod, Duration value, long minMillis,
                                    long maxMillis, String why) {
        if (value != null && value.isZero()) {
            return;
        }
        if (value == null || value.isNegative() || value.toMillis() < minMillis || value.toMillis() > maxMillis) {
            add(variable, builderMethod, (value == null ? "missing" : value.toMillis() + " ms") + " is out of range",
                    "use 0 to disable, or " + minMillis + " to " + maxMillis + " ms (" + why + ")");
        }
    }

    /** Zero, or a whole number of seconds up to {@code maxMillis}: JDBC's socket and query timeouts have one-second steps. */
    public void checkWholeSecondsZeroOr(String variable, String builderMethod, Duration value, long maxMillis) {
        if (value != null && value.isZero()) {
            return;
        }
        if (value == null || value.isNegative() || value.toMillis() > maxMillis || value.toMillis() % 1000 != 0) {
            add(variable, builderMethod, (value == null ? "missing" : value.toMillis() + " ms") + " is not allowed",
                    "use 0 to disable, or whole seconds written in milliseconds up to " + maxMillis
                            + " (JDBC counts this timeout in seconds), e.g. " + variable + "=30000");
        }
    }

    /** Records a problem: {@code VARIABLE (builderMethod): what; fix}. */
    public void add(String variable, String builderMethod, String what, String fix) {
        problems.add(variable + " (" + builderMethod + "): " + mask(what) + "; " + fix);
    }

    /**
     * @throws DatabaseError with {@link ErrorCode#CONFIGURATION_ERROR} when any problem was recorded
     */
    public void throwIfAny() {
        if (problems.isEmpty()) {
            return;
        }
        String message = "Invalid pgkeeper configuration (" + problems.size()
                + (problems.size() == 1 ? " problem" : " problems") + "):\n  - " + String.join("\n  - ", problems);
        throw new DatabaseError(ErrorCode.CONFIGURATION_ERROR, message, problems, Map.of(), null);
    }

    private String echo(String raw) {
        String masked = mask(raw);
        return "'" + (masked.length() > MAX_ECHO ? masked.substring(0, MAX_ECHO) + "..." : masked) + "'";
    }

    /**
     * Masks the URL's password wherever it occurs, and anything shaped like a password even when the URL
     * could not be parsed (a URL pasted into the wrong variable).
     */
    private String mask(String text) {
        String masked = SecretMasker.mask(text);
        return secret == null ? masked : masked.replace(secret, SecretMasker.MASK);
    }
}
