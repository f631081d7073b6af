package dev.pgkeeper.mybatis.internal;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.ibatis.binding.BindingException;
import org.apache.ibatis.builder.BuilderException;
import org.apache.ibatis.exceptions.TooManyResultsException;
import org.apache.ibatis.executor.result.ResultMapException;
import org.apache.ibatis.reflection.ReflectionException;
import org.apache.ibatis.type.TypeException;

/**
 * Turns what MyBatis throws into a categorized {@link DatabaseError}, without touching the database (so a
 * translation never waits for a connection, even when the pool is exhausted). SQL and connection failures
 * are categorized by pgkeeper core from their SQLState; MyBatis's own mapping failures (a statement that is
 * not bound, a result that does not fit its result map, a missing property) are SCHEMA_ERROR and name the
 * statement.
 *
 * <p>Stateless and thread-safe.
 */
public final class MyBatisErrors {

    private static final List<Class<? extends Throwable>> MAPPING_FAILURES = List.of(BindingException.class,
            BuilderException.class, ReflectionException.class, ResultMapException.class, TypeException.class,
            TooManyResultsException.class);

    /** The context key naming the statement (or step) that failed. */
    public static final String STATEMENT = "statement";

    /** SQLStates that mean the connection broke while in use: what was in flight may have taken effect. */
    private static final Set<String> BROKEN_IN_FLIGHT = Set.of("08000", "08006", "08007", "57P01", "57P02", "57P03");

    private MyBatisErrors() {
    }

    /**
     * Whether {@code failure} says the connection broke while work was on its way to the server or back, so
     * that the work may have taken effect: a connection-class SQLState of a connection in use (08000, 08006,
     * 08007, 57P01–57P03) anywhere in the chain. Not when the chain shows no connection was had at all
     * ({@link java.sql.SQLTransientConnectionException} or {@link java.sql.SQLNonTransientConnectionException},
     * which only getting a connection throws here), nor for 08001 (could not connect) or 08003 (used after it
     * was closed): nothing was sent then.
     */
    public static boolean connectionBrokeInFlight(Throwable failure) {
        boolean broke = false;
        Set<Throwable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.sql.SQLNonTransientConnectionException) {
                return false;
            }
            if (t instanceof SQLException e && e.getSQLState() != null && BROKEN_IN_FLIGHT.contains(e.getSQLState())) {
                broke = true;
            }
        }
        return broke;
    }

    /**
     * Translates {@code error}.
     *
     * <p>With a {@code statement}, the result names it (in its message and as {@code statement} in its
     * context), also when the chain already holds pgkeeper's own error: a DataSource failing fast while the
     * server is down throws that error from inside MyBatis, where only the caller knows which statement
     * asked for the connection. An error that already names a statement (one raised by a mapper call made
     * inside this one) is returned as it is.
     *
     * @param statement the statement being run, as {@code MapperType.method}, or {@code null} when not known
     * @return a {@link DatabaseError} naming {@code statement}, with {@code error} as cause; without a
     *         statement, the outermost {@link DatabaseError} in the chain if there is one, otherwise a new one
     *         with {@code error} as cause; never {@code null}
     */
    public static DatabaseError translate(Throwable error, ConnectionManager manager, String statement) {
        DatabaseError categorized = manager.categorize(error);
        Throwable mapping = mappingFailure(error);
        if (mapping != null) {
            String where = statement == null ? "a mapped statement" : statement;
            return new DatabaseError(ErrorCode.SCHEMA_ERROR,
                    "MyBatis could not run " + where + ": " + firstLine(mapping.getMessage()),
                    List.of("Check that the mapper of " + where + " is registered with MyBatisClient (addMapper, "
                                    + "addMapperResource or addMapperPackage) and that its statement id matches the method",
                            "Check the result map, column and property names of " + where
                                    + " against the table (map-underscore-to-camel-case is on)",
                            "If the schema changed, run the migrations"),
                    categorized.context(), error);
        }
        if (statement == null || categorized.context().containsKey(STATEMENT)) {
            return categorized;
        }
        return withStatement(categorized, statement, error);
    }

    /**
     * The same error, naming where it happened, with {@code cause} (what MyBatis threw) as cause; a connection
     * lost at COMMIT leaves the outcome unknown.
     */
    private static DatabaseError withStatement(DatabaseError error, String statement, Throwable cause) {
        Map<String, String> context = new LinkedHashMap<>(error.context());
        context.put(STATEMENT, statement);
        boolean commitOutcomeUnknown = statement.equals("commit") && error.code() == ErrorCode.NETWORK_ERROR;
        List<String> steps = new ArrayList<>();
        if (commitOutcomeUnknown) {
            steps.add("The connection broke during COMMIT, so whether the transaction was committed is unknown: "
                    + "check before repeating it, or make it idempotent");
        }
        steps.addAll(error.troubleshootingSteps());
        String message = (commitOutcomeUnknown ? "Outcome of COMMIT unknown. " : "") + error.getMessage()
                + " [" + statement + "]";
        return new DatabaseError(error.code(), message, steps, context, cause);
    }

    /** The MyBatis mapping failure in the chain, unless a SQLException shows the database itself failed. */
    private static Throwable mappingFailure(Throwable error) {
        Throwable found = null;
        Set<Throwable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof SQLException || t instanceof DatabaseError) {
                return null;
            }
            if (found == null && isMappingFailure(t)) {
                found = t;
            }
        }
        return found;
    }

    private static boolean isMappingFailure(Throwable t) {
        return MAPPING_FAILURES.stream().anyMatch(type -> type.isInstance(t));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
