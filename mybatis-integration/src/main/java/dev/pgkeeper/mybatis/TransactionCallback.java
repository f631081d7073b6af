package dev.pgkeeper.mybatis;

/**
 * A block of work that runs in a transaction and returns a value. Its checked exception type passes
 * through {@link MyBatisClient#inTransaction} unchanged.
 *
 * @param <R> what the block returns
 * @param <X> the checked exception it may throw ({@link RuntimeException} when none)
 */
@FunctionalInterface
public interface TransactionCallback<R, X extends Exception> {

    /**
     * Runs the work; called again from the start when a retry on conflict was asked for.
     *
     * @return the block's result, which {@link MyBatisClient#inTransaction} returns after the commit
     * @throws X what the work throws; the transaction is rolled back
     */
    R run() throws X;
}
