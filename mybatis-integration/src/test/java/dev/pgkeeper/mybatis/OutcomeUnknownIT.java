package dev.pgkeeper.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.ConnectionPhase;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.mybatis.fixtures.Fixture;
import dev.pgkeeper.mybatis.fixtures.User;
import dev.pgkeeper.mybatis.fixtures.UserRepository;
import dev.pgkeeper.testing.Await;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.TcpProxy;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestPostgres;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A failure while a commit (or an autocommit write) was in flight is reported as "outcome unknown", never as
 * "not committed": the proxy forwards the commit to the server and drops its answer, so the server commits
 * and the client only sees its socket time out. Failures where nothing reached the server (failing fast while
 * the server is down, a statement inside a transaction) are not marked.
 */
class OutcomeUnknownIT {

    private TestDatabase db;
    private TcpProxy proxy;
    private ConnectionManager manager;
    private UserRepository users;

    @BeforeEach
    void start() throws SQLException {
        db = TestPostgres.server().createDatabase("OutcomeUnknownIT");
        proxy = TcpProxy.start(db.host(), db.port());
        manager = ConnectionManager.create(Fixture.config(new TestDatabase("127.0.0.1", proxy.port(), db.database(),
                db.user(), db.password())).socketTimeout(Duration.ofSeconds(1)).build());
        assertThat(manager.initializeConnection().success()).isTrue();
        Jdbc.execute(manager.dataSource(), "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE,"
                + " display_name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())");
        users = new UserRepository(Fixture.client(manager));
    }

    @AfterEach
    void stop() {
        proxy.mode(TcpProxy.Mode.FORWARD);
        manager.disconnect();
        proxy.close();
        TestPostgres.server().dropDatabase(db.database());
    }

    @Test
    void aCommitWhoseAnswerIsLostIsReportedAsOutcomeUnknownAndDidCommit() throws Exception {
        MyBatisClient client = Fixture.client(manager);
        UserRepository inTx = new UserRepository(client);

        DatabaseError error = catchThrowableOfType(DatabaseError.class, () -> client.useTransaction(() -> {
            inTx.add(new User("committed@example.com", "Committed"));
            proxy.mode(TcpProxy.Mode.DROP_REPLIES); // the COMMIT reaches the server; its answer does not come back
        }));

        assertThat(error).as("the commit's failure").isNotNull();
        assertThat(error.isOutcomeUnknown()).as("%s", error).isTrue();
        assertThat(error.context()).containsEntry(DatabaseError.OUTCOME, "unknown");
        assertThat(error.getMessage()).contains("outcome unknown");
        assertThat(existsAfterHeal("committed@example.com")).as("and the server did commit it").isTrue();
    }

    @Test
    void aReadOnlyTransactionWhoseCommitAnswerIsLostIsNotMarkedUnknown() throws Exception {
        MyBatisClient client = Fixture.client(manager);
        UserRepository inTx = new UserRepository(client);
        users.add(new User("reader@example.com", "Reader"));

        DatabaseError error = catchThrowableOfType(DatabaseError.class, () -> client.useTransaction(
                TransactionOptions.defaults().readOnly(), () -> {
                    inTx.count();
                    proxy.mode(TcpProxy.Mode.DROP_REPLIES); // the COMMIT's answer is lost, but it wrote nothing
                }));

        assertThat(error).as("the commit's failure").isNotNull();
        assertThat(error.code()).isEqualTo(ErrorCode.NETWORK_ERROR);
        assertThat(error.isOutcomeUnknown()).as("a read-only transaction cannot have written: %s", error).isFalse();
    }

    @Test
    void anAutocommitWriteWhoseAnswerIsLostIsReportedAsOutcomeUnknown() throws Exception {
        proxy.mode(TcpProxy.Mode.DROP_REPLIES);

        DatabaseError error = catchThrowableOfType(DatabaseError.class,
                () -> users.add(new User("autocommit@example.com", "Autocommit")));

        assertThat(error).isNotNull();
        assertThat(error.isOutcomeUnknown()).as("%s", error).isTrue();
        assertThat(existsAfterHeal("autocommit@example.com")).isTrue();
    }

    @Test
    void aStatementThatBreaksInsideATransactionIsNotCommittedAndNotMarkedUnknown() throws Exception {
        MyBatisClient client = Fixture.client(manager);
        UserRepository inTx = new UserRepository(client);

        DatabaseError error = catchThrowableOfType(DatabaseError.class, () -> client.useTransaction(() -> {
            inTx.add(new User("first@example.com", "First"));
            proxy.mode(TcpProxy.Mode.DROP_REPLIES);
            inTx.add(new User("second@example.com", "Second"));
        }));

        assertThat(error).isNotNull();
        assertThat(error.isOutcomeUnknown()).as("nothing was committed: %s", error).isFalse();
        assertThat(existsAfterHeal("first@example.com")).isFalse();
    }

    @Test
    void aWriteThatFailsFastWhileTheServerIsDownIsNotMarkedUnknown() throws Exception {
        proxy.mode(TcpProxy.Mode.REFUSE_NEW);
        proxy.resetAll();
        Await.until("the outage is noticed", Duration.ofSeconds(10), () -> {
            try {
                Jdbc.selectOne(manager.dataSource());
            } catch (SQLException e) {
                // expected while down
            }
            return manager.getConnectionStatus().phase() == ConnectionPhase.RECONNECTING;
        });

        DatabaseError error = catchThrowableOfType(DatabaseError.class,
                () -> users.add(new User("never@example.com", "Never")));

        assertThat(error).isNotNull();
        assertThat(error.code()).isEqualTo(ErrorCode.NETWORK_ERROR);
        assertThat(error.isOutcomeUnknown()).as("nothing reached the server: %s", error).isFalse();
        assertThat(existsAfterHeal("never@example.com")).isFalse();
    }

    /** Heals the proxy, waits until the manager serves again, and looks the row up. */
    private boolean existsAfterHeal(String email) throws Exception {
        proxy.mode(TcpProxy.Mode.FORWARD);
        Await.until("the manager serves again", Duration.ofSeconds(15), () -> {
            try {
                return Jdbc.selectOne(manager.dataSource()) == 1;
            } catch (SQLException e) {
                return false;
            }
        });
        return Jdbc.queryLong(manager.dataSource(), "SELECT count(*) FROM users WHERE email = '" + email + "'") == 1;
    }
}
