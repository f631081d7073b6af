package dev.pgkeeper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one exception pgkeeper throws: what went wrong ({@link #code()}), whether it is worth retrying
 * ({@link #kind()}), what to do about it ({@link #troubleshootingSteps()}) and where it happened
 * ({@link #context()}: host, port, database, user, SQLState, all free of passwords). The original
 * exception, if any, is the {@linkplain #getCause() cause}.
 *
 * <p>Messages, steps and context never contain a password. Instances are immutable apart from the
 * stack trace and suppressed exceptions every {@link Throwable} carries.
 */
public final class DatabaseError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The category. */
    private final ErrorCode code;
    /** Steps to find and fix the cause. */
    private final List<String> troubleshootingSteps;
    /** Sanitized facts about where it happened. */
    private final Map<String, String> context;

    /**
     * Creates an error.
     *
     * @param code                 the category; never {@code null}
     * @param message              what happened, already free of secrets; never {@code null}
     * @param troubleshootingSteps concrete things to check or change, in order; copied
     * @param context              sanitized facts such as {@code host}, {@code port}, {@code database},
     *                             {@code sqlState}; copied, order kept
     * @param cause                the original exception, or {@code null}
     * @throws NullPointerException if {@code code}, {@code message}, {@code troubleshootingSteps} or
     *                              {@code context} is {@code null}
     */
    public DatabaseError(ErrorCode code, String message, List<String> troubleshootingSteps,
                         Map<String, String> context, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
        this.troubleshootingSteps = List.copyOf(Objects.requireNonNull(troubleshootingSteps, "troubleshootingSteps"));
        this.context = java.util.Collections.unmodifiableMap(
                new LinkedHashMap<>(Objects.requireNonNull(context, "context")));
    }

    /** Creates an error with no steps, no context and no cause. */
    public DatabaseError(ErrorCode code, String message) {
        this(code, message, List.of(), Map.of(), null);
    }

    /** The category of the failure. */
    public ErrorCode code() {
        return code;
    }

    /** {@link ErrorKind#TEMPORARY} or {@link ErrorKind#PERMANENT}, fixed by the {@link #code()}. */
    public ErrorKind kind() {
        return code.kind();
    }

    /** {@code true} when retrying later can succeed. */
    public boolean isTemporary() {
        return code.isTemporary();
    }

    /** Concrete steps to find and fix the cause; never {@code null}, possibly empty, unmodifiable. */
    public List<String> troubleshootingSteps() {
        return troubleshootingSteps;
    }

    /**
     * Sanitized facts about where the failure happened, in a stable order; typical keys are
     * {@code host}, {@code port}, {@code database}, {@code user}, {@code url} and {@code sqlState}.
     * Never {@code null}, unmodifiable.
     */
    public Map<String, String> context() {
        return context;
    }

    /** The SQLState reported by the server or driver, or {@code null} when there is none. */
    public String sqlState() {
        return context.get("sqlState");
    }

    @Override
    public String toString() {
        return "DatabaseError[" + code + ", " + kind().name().toLowerCase(java.util.Locale.ROOT) + "]: " + getMessage();
    }
}
