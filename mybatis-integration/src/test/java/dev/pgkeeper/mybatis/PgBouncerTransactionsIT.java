package dev.pgkeeper.mybatis;

import dev.pgkeeper.mybatis.fixtures.Fixture;
import dev.pgkeeper.mybatis.fixtures.PgBouncerFront;
import dev.pgkeeper.testing.SeveralServersTest;
import dev.pgkeeper.testing.TestDatabase;
import java.sql.SQLException;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.mybatis.fixtures.SessionMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.ibatis.session.TransactionIsolationLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every {@link TransactionsIT} scenario (transactions across repositories with commit and rollback, nesting,
 * isolation, read-only, retries, batches, many threads) through PgBouncer 1.18 in transaction pooling mode,
 * with {@code DB_PGBOUNCER=transaction} (issue 10).
 */
@SeveralServersTest
class PgBouncerTransactionsIT extends TransactionsIT {

    private PgBouncerFront front;
    private Fixture fx;

    @Override
    Fixture startFixture(TestDatabase db) throws SQLException {
        front = PgBouncerFront.transactionMode(db, "bouncer_transactions");
        fx = Fixture.start(front.config());
        return fx;
    }

    @Override
    @AfterAll
    void stop() {
        super.stop();
        if (front != null) {
            front.close();
        }
    }

    /**
     * In transaction mode nothing may live in the session: an isolation level asked for one transaction must
     * hold for that transaction and must not leak, through a shared server connection, into another client's.
     */
    @Test
    void anIsolationLevelStaysInItsTransactionOnSharedServerConnections() throws Exception {
        SessionMapper session = fx.client.mapper(SessionMapper.class);
        TransactionOptions serializable = TransactionOptions.defaults().isolation(TransactionIsolationLevel.SERIALIZABLE);
        Set<String> wrong = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                boolean asksSerializable = t % 2 == 0;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        String level = asksSerializable ? fx.client.inTransaction(serializable, session::isolation)
                                : fx.client.inTransaction(session::isolation);
                        String expected = asksSerializable ? "serializable" : "read committed";
                        if (!level.equals(expected)) {
                            wrong.add("asked for " + expected + ", ran in " + level);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(wrong).as("transactions that ran at another isolation level than asked for").isEmpty();
    }
}
