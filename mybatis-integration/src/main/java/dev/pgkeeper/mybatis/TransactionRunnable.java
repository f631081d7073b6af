package dev.pgkeeper.mybatis;

/**
 * A block of work that runs in a transaction and returns nothing. Its checked exception type passes
 * through {@link MyBatisClient#useTransaction} unchanged.
 *
 * @param <X> the checked exception it may throw ({@link RuntimeException} when none)
 */
@FunctionalInterface
public interface TransactionRunnable<X extends Exception> {

    /**
     * Runs the work; called again from the start when a retry on conflict was asked for.
     *
     * @throws X what the work throws; the transaction is rolled back
     */
    void run() throws X;
}
