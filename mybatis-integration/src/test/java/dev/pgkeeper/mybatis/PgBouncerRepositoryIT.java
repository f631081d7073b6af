package dev.pgkeeper.mybatis;

import dev.pgkeeper.mybatis.fixtures.Fixture;
import dev.pgkeeper.mybatis.fixtures.PgBouncerFront;
import dev.pgkeeper.testing.SeveralServersTest;
import dev.pgkeeper.testing.TestDatabase;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;

/**
 * Every {@link RepositoryIT} scenario (XML and annotation mappers, paging, dynamic SQL, errors, batches,
 * reconnect) through PgBouncer 1.18 in transaction pooling mode, with {@code DB_PGBOUNCER=transaction}
 * (issue 10). PgBouncer serves the pool's 8 connections with 4 server connections.
 */
@SeveralServersTest
class PgBouncerRepositoryIT extends RepositoryIT {

    private PgBouncerFront front;

    @Override
    Fixture startFixture(TestDatabase db) throws SQLException {
        front = PgBouncerFront.transactionMode(db, "bouncer_repositories");
        return Fixture.start(front.config());
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
