package dev.pgkeeper.mybatis.internal.types;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The {@link SQLException}s the handlers throw when a value cannot be converted. Their SQLStates are of class
 * 22 (data exception), so that pgkeeper categorizes them as {@code DATA_ERROR}, a permanent failure, and their
 * messages say where the value was, what it was and what to do. Stateless.
 */
final class ConversionFailures {

    /** invalid_parameter_value: a Java value that PostgreSQL's type cannot hold. */
    static final String CANNOT_WRITE = "22023";
    /** data_exception: a stored value that the Java type cannot hold. */
    static final String CANNOT_READ = "22000";

    private ConversionFailures() {
    }

    /** A parameter that cannot be written; {@code message} says why and what to do. */
    static SQLException cannotWrite(int parameterIndex, String message, Throwable cause) {
        return new SQLException(message + " (parameter #" + parameterIndex + ")", CANNOT_WRITE, cause);
    }

    /** A stored value that cannot be read; {@code message} starts with {@link #column} or {@link #outParameter}. */
    static SQLException cannotRead(String message, Throwable cause) {
        return new SQLException(message, CANNOT_READ, cause);
    }

    /** {@code text} in single quotes, cut after 40 characters: a stored value, quoted in a message. */
    static String quote(String text) {
        return "'" + (text.length() <= 40 ? text : text.substring(0, 40) + "…") + "'";
    }

    /** "column name", as MyBatis asked for it. */
    static String column(String name) {
        return "column " + name;
    }

    /** "column label (#index)", the label looked up in the result's metadata when it can be. */
    static String column(ResultSet rs, int index) {
        try {
            return "column " + rs.getMetaData().getColumnLabel(index) + " (#" + index + ")";
        } catch (SQLException e) {
            return "column #" + index;
        }
    }

    /** "OUT parameter #index", for a value read from a callable statement. */
    static String outParameter(int index) {
        return "OUT parameter #" + index;
    }
}
