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

    /** The {@link #context()} key that marks an outcome unknown; see {@link #isOutcomeUnknown()}. */
    public static final String OUTCOME = "outcome";
    private static final String UNKNOWN = "unknown";

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

    /**
     * Creates an error with no steps, no context and no cause.
     *
     * @param code the category of the failure
     * @param message what failed and why
     */
    public DatabaseError(ErrorCode code, String message) {
        this(code, message, List.of(), Map.of(), null);
    }

    /**
     * The category of the failure.
     *
     * @return the error code; never {@code null}
     */
    public ErrorCode code() {
        return code;
    }

    /**
     * {@link ErrorKind#TEMPORARY} or {@link ErrorKind#PERMANENT}, fixed by the {@link #code()}.
     *
     * @return the kind of the error code
     */
    public ErrorKind kind() {
        return code.kind();
    }

    /**
     * {@code true} when retrying later can succeed.
     *
     * @return {@code true} for a temporary error
     */
    public boolean isTemporary() {
        return code.isTemporary();
    }

    /**
     * Concrete steps to find and fix the cause; never {@code null}, possibly empty, unmodifiable.
     *
     * @return the troubleshooting steps
     */
    public List<String> troubleshootingSteps() {
        return troubleshootingSteps;
    }

    /**
     * Sanitized facts about where the failure happened, in a stable order; typical keys are
     * {@code host}, {@code port}, {@code database}, {@code user}, {@code url} and {@code sqlState}.
     * Never {@code null}, unmodifiable.
     *
     * @return the sanitized context
     */
    public Map<String, String> context() {
        return context;
    }

    /**
     * Whether the failed work may have taken effect all the same: the connection broke while a commit, or a
     * write in autocommit, was on its way to the server or back, so the server may have committed it and the
     * answer was lost. Such a failure is not "not committed": check (for example by a client-generated key)
     * before doing the work again. {@code false} means the work did not take effect, or pgkeeper cannot tell
     * (plain JDBC code on {@code dataSource()}; pgkeeper-mybatis marks its commits and autocommit writes).
     *
     * @return {@code true} when the work may have taken effect
     */
    public boolean isOutcomeUnknown() {
        return UNKNOWN.equals(context.get(OUTCOME));
    }

    /**
     * This error marked as {@linkplain #isOutcomeUnknown() outcome unknown}: the same code, steps, context
     * (plus {@code outcome=unknown}) and cause, with a message that says so. For integrations that know a
     * commit or an autocommit write was in flight.
     *
     * @return a new error; this one if it is marked already
     */
    public DatabaseError withOutcomeUnknown() {
        if (isOutcomeUnknown()) {
            return this;
        }
        Map<String, String> marked = new LinkedHashMap<>(context);
        marked.put(OUTCOME, UNKNOWN);
        List<String> steps = new java.util.ArrayList<>();
        steps.add("The connection broke while the work was being committed: it may have been committed. Check "
                + "before doing it again (a client-generated key makes that easy)");
        steps.addAll(troubleshootingSteps);
        DatabaseError error = new DatabaseError(code, getMessage() + " (outcome unknown: it may have been committed)",
                steps, marked, getCause());
        error.setStackTrace(getStackTrace());
        return error;
    }

    /**
     * The SQLState reported by the server or driver, or {@code null} when there is none.
     *
     * @return the SQLState, or {@code null}
     */
    public String sqlState() {
        return context.get("sqlState");
    }

    @Override
    public String toString() {
        return "DatabaseError[" + code + ", " + kind().name().toLowerCase(java.util.Locale.ROOT) + "]: " + getMessage();
    }
}
