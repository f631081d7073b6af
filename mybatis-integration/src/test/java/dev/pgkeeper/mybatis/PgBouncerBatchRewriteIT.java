package dev.pgkeeper.mybatis;

import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.mybatis.fixtures.PgBouncerFront;
import dev.pgkeeper.testing.SeveralServersTest;
import dev.pgkeeper.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;

/**
 * Every {@link BatchRewriteIT} scenario through PgBouncer in transaction pooling mode, with
 * {@code DB_PGBOUNCER=transaction}: rewriting changes only the SQL text, so it goes together with
 * {@code prepareThreshold=0} and shared server connections.
 */
@SeveralServersTest
class PgBouncerBatchRewriteIT extends BatchRewriteIT {

    private PgBouncerFront front;

    @Override
    DatabaseConfig.Builder config(TestDatabase db) {
        if (front == null) {
            front = PgBouncerFront.transactionMode(db, "bouncer_batches");
        }
        return front.config().toBuilder();
    }

    @Override
    @AfterAll
    void stop() {
        super.stop();
        if (front != null) {
            front.close();
        }
    }
}
