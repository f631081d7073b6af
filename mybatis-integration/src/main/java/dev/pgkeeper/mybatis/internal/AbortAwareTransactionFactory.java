package dev.pgkeeper.mybatis.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.ibatis.session.TransactionIsolationLevel;
import org.apache.ibatis.transaction.Transaction;
import org.apache.ibatis.transaction.TransactionFactory;
import org.apache.ibatis.transaction.jdbc.JdbcTransaction;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * MyBatis's JDBC transactions, with one PostgreSQL-specific guard: a transaction that an earlier statement
 * aborted is not "committed". PostgreSQL answers COMMIT on such a transaction with ROLLBACK and pgjdbc
 * reports no error, so a block that caught a failure and went on would look committed while nothing was
 * written. The guard asks the driver for the transaction state and, when it is FAILED, rolls back and
 * throws SQLState 25P02 instead.
 *
 * <p>Thread-safe (transactions themselves are per session, as in MyBatis).
 */
public final class AbortAwareTransactionFactory implements TransactionFactory {

    /** SQLState of the refusal: in_failed_sql_transaction. */
    public static final String ABORTED = "25P02";

    @Override
    public void setProperties(Properties props) {
        // nothing to configure
    }

    @Override
    public Transaction newTransaction(Connection conn) {
        return new AbortAwareTransaction(conn);
    }

    @Override
    public Transaction newTransaction(DataSource dataSource, TransactionIsolationLevel level, boolean autoCommit) {
        return new AbortAwareTransaction(dataSource, level, autoCommit);
    }

    /**
     * Whether pgjdbc knows the transaction on {@code connection} to be aborted (a statement failed in it); false
     * when it cannot tell.
     */
    static boolean isAborted(Connection connection) {
        try {
            return transactionState(connection) == TransactionState.FAILED;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Whether no transaction is open on {@code connection} yet (pgjdbc sends BEGIN with the next statement). */
    static boolean isIdle(Connection connection) throws SQLException {
        return transactionState(connection) == TransactionState.IDLE;
    }

    private static TransactionState transactionState(Connection connection) throws SQLException {
        return connection.isWrapperFor(BaseConnection.class)
                ? connection.unwrap(BaseConnection.class).getTransactionState() : null;
    }

    private static final class AbortAwareTransaction extends JdbcTransaction {

        AbortAwareTransaction(Connection connection) {
            super(connection);
        }

        AbortAwareTransaction(DataSource dataSource, TransactionIsolationLevel level, boolean autoCommit) {
            super(dataSource, level, autoCommit);
        }

        @Override
        public void commit() throws SQLException {
            if (connection != null && !connection.getAutoCommit()
                    && transactionState(connection) == TransactionState.FAILED) {
                connection.rollback();
                throw new SQLException("The transaction was aborted by an earlier failed statement and has been "
                        + "rolled back instead of committed", ABORTED);
            }
            super.commit();
        }
    }
}
