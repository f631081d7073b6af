package dev.pgkeeper;

/**
 * A snapshot of the connection pool's numbers. All zero when there is no pool.
 *
 * @param active  connections lent out right now
 * @param idle    connections open and waiting in the pool
 * @param total   active plus idle
 * @param waiting threads waiting for a connection
 * @param max     the configured pool size ({@code DB_POOL_SIZE})
 */
public record PoolStats(int active, int idle, int total, int waiting, int max) {

    /**
     * The numbers of a manager without a pool.
     *
     * @param max the configured pool size
     * @return stats with every count zero and {@code max}
     */
    public static PoolStats none(int max) {
        return new PoolStats(0, 0, 0, 0, max);
    }
}
