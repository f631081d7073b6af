package dev.pgkeeper.mybatis.internal.copy;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.mybatis.CopyRowWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * One bulk load: {@code COPY ... FROM STDIN} through pgjdbc's {@code CopyManager} on a connection, with the rows
 * encoded by a {@link CopyTextEncoder} and streamed in chunks. Whatever stops it before the end (a refused
 * value, the row writer's or the {@code Iterable}'s exception, an {@link Error}) cancels the COPY, so the
 * server inserts nothing and the connection is free again (pgjdbc holds it locked while a COPY is open). A
 * cancelled COPY is an error on the server, which aborts the surrounding transaction. Stateless.
 */
public final class CopyLoad {

    /** SQLState of a value the load refuses: invalid_parameter_value, categorized as DATA_ERROR. */
    static final String REFUSED_VALUE = "22023";

    private CopyLoad() {
    }

    /**
     * Runs the load on {@code connection}, which is in a transaction.
     *
     * @param translate makes the categorized error of a refused value from a SQLException of SQLState 22023
     *                  whose message names the row and the column
     * @return the number of rows the server reports
     * @throws X            what the row writer throws, unchanged
     * @throws SQLException what pgjdbc throws: the server's error at the end, or a broken connection
     * @throws DatabaseError {@code DATA_ERROR} for a refused value or a row of the wrong size
     */
    public static <T, X extends Exception> long run(Connection connection, CopyStatement statement,
            Iterable<? extends T> rows, CopyRowWriter<? super T, X> writer,
            Function<SQLException, DatabaseError> translate) throws X, SQLException {
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(statement.sql());
        try {
            CopyTextEncoder out = new CopyTextEncoder(statement.columns(),
                    (bytes, length) -> copy.writeToCopy(bytes, 0, length),
                    message -> translate.apply(new SQLException(message, REFUSED_VALUE)));
            for (T row : rows) {
                out.startRow();
                writer.write(row, out);
                out.endRow();
            }
            out.finish();
            return copy.endCopy();
        } catch (CopyTextEncoder.SinkFailure e) {
            cancel(copy, e.sqlException());
            throw e.sqlException();
        } catch (Throwable e) {
            cancel(copy, e);
            throw e;
        }
    }

    /** Cancels the COPY if it is still open; a failure to do so is kept as suppressed by {@code cause}. */
    private static void cancel(CopyIn copy, Throwable cause) {
        if (!copy.isActive()) {
            return; // ended by the server's error at endCopy, or by a broken connection
        }
        try {
            copy.cancelCopy();
        } catch (SQLException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
