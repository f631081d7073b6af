package dev.pgkeeper.examples.tracker;

/**
 * A request the tracker refuses for a business reason: what is asked for does not exist, breaks a rule, or
 * is malformed. Database failures are {@link dev.pgkeeper.DatabaseError}s instead.
 */
public final class TrackerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the request was refused. */
    public enum Reason { NOT_FOUND, CONFLICT, INVALID }

    /** The reason. */
    private final Reason reason;

    public TrackerException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    static TrackerException notFound(String what, long id) {
        return new TrackerException(Reason.NOT_FOUND, what + " " + id + " does not exist");
    }
}
