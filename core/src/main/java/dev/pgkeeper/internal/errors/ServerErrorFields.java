package dev.pgkeeper.internal.errors;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The database objects PostgreSQL names in an error report (fields {@code s}, {@code t}, {@code c},
 * {@code n} of the ErrorResponse message), as pgjdbc exposes them through
 * {@link PSQLException#getServerErrorMessage()}. They are identifiers, never row data, so they may
 * appear in messages and context; the error's {@code Detail} field, which can hold row values, is not
 * kept.
 *
 * @param schema     schema of the object, or {@code null}
 * @param table      table name, or {@code null}
 * @param column     column name, or {@code null}
 * @param constraint constraint name, or {@code null}
 */
record ServerErrorFields(String schema, String table, String column, String constraint) {

    /** No fields: the error did not come from the server, or named no object. */
    static final ServerErrorFields NONE = new ServerErrorFields(null, null, null, null);

    /** Reads the fields of a server error report; {@link #NONE} for {@code null}. */
    static ServerErrorFields of(ServerErrorMessage message) {
        if (message == null) {
            return NONE;
        }
        return new ServerErrorFields(blankToNull(message.getSchema()), blankToNull(message.getTable()),
                blankToNull(message.getColumn()), blankToNull(message.getConstraint()));
    }

    /** The table, qualified with its schema when the server named one; {@code null} when unknown. */
    String qualifiedTable() {
        if (table == null) {
            return null;
        }
        return schema == null ? table : schema + "." + table;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
