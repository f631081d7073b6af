package dev.pgkeeper.internal.errors;

import java.sql.SQLException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A server-side prepared statement of pgjdbc ({@code S_1}, {@code S_2}, …) that the server connection does not
 * know, or knows from another client: 26000 "prepared statement "S_1" does not exist" or 42P05 "… already
 * exists". Behind a pooler in transaction mode (PgBouncer) each transaction may run on another server
 * connection, so statements pgjdbc prepared earlier are gone or collide. This is a setting to change, not a
 * schema error: pgjdbc must prepare nothing on the server there ({@code prepareThreshold=0}). The statement
 * name is pgjdbc's own, so the test does not depend on the server's message language.
 */
final class ServerPreparedStatementClash {

    private static final Pattern PGJDBC_STATEMENT = Pattern.compile("\\bS_\\d+\\b");

    private ServerPreparedStatementClash() {
    }

    /** Whether {@code t} is such a failure. */
    static boolean matches(Throwable t) {
        return t instanceof SQLException e && ("26000".equals(e.getSQLState()) || "42P05".equals(e.getSQLState()))
                && e.getMessage() != null && PGJDBC_STATEMENT.matcher(e.getMessage()).find();
    }

    /** The headline, naming where it happened. */
    static String headline(ConnectionTarget target) {
        return "A statement pgjdbc prepared on the server is missing or taken on the server connection at "
                + target.hosts() + ": a connection pooler in transaction mode (PgBouncer) runs each transaction on"
                + " whichever server connection is free";
    }

    /** Steps, most likely fix first. */
    static List<String> steps() {
        return List.of(
                "Behind PgBouncer in transaction pooling mode, set DB_PGBOUNCER=transaction: pgkeeper then sets"
                        + " prepareThreshold=0, so pgjdbc prepares nothing on the server",
                "Or run the pooler in session mode for this database (PgBouncer: pool_mode = session)",
                "Outside pgkeeper, add prepareThreshold=0 to the JDBC URL of every client of that pooler");
    }
}
