package dev.pgkeeper.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgkeeper.ConnectionPhase;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.mybatis.fixtures.Causes;
import dev.pgkeeper.mybatis.fixtures.Fixture;
import dev.pgkeeper.mybatis.fixtures.SessionMapper;
import dev.pgkeeper.mybatis.fixtures.User;
import dev.pgkeeper.mybatis.fixtures.UserMapper;
import dev.pgkeeper.testing.Await;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.PrivateServerTest;
import dev.pgkeeper.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Repositories and transactions while the server goes away and comes back, and a connection lost at COMMIT. */
@PrivateServerTest
class OutageIT {

    private final PrivateServer server;
    private TestDatabase db;
    private Fixture fx;

    OutageIT(PrivateServer server) {
        this.server = server;
    }

    @BeforeEach
    void start() throws Exception {
        server.start();
        db = server.createDatabase("outage");
        fx = Fixture.start(db);
        fx.clear();
    }

    @AfterEach
    void stop() {
        server.start();
        try {
            fx.assertNothingLeaked();
        } finally {
            fx.close();
        }
    }

    @Test
    void callsFailFastWhileTheServerIsDownAndWorkAgainAfter() throws Exception {
        long id = fx.users.add(new User("ada@example.com", "Ada"));

        server.stop();
        Await.until("the outage is noticed", Duration.ofSeconds(10), () -> {
            try {
                fx.users.find(id);
            } catch (DatabaseError expected) {
                // stale connections fail first
            }
            return fx.manager.getConnectionStatus().phase() == ConnectionPhase.RECONNECTING;
        });

        DatabaseError plain = catchThrowableOfType(DatabaseError.class, () -> fx.users.find(id));
        DatabaseError inTx = catchThrowableOfType(DatabaseError.class,
                () -> fx.client.useTransaction(() -> fx.users.add(new User("b@example.com", "B"))));
        DatabaseError readOnly = catchThrowableOfType(DatabaseError.class,
                () -> fx.client.inTransaction(TransactionOptions.defaults().readOnly(), () -> fx.users.count()));
        for (DatabaseError e : new DatabaseError[] {plain, inTx, readOnly}) {
            assertThat(e.code()).isEqualTo(ErrorCode.NETWORK_ERROR);
            assertThat(e.isTemporary()).isTrue();
        }

        server.start();
        Thread.sleep(fx.manager.config().probeInterval().toMillis());
        assertThat(fx.users.find(id)).isPresent();
        assertThat(fx.users.count()).isEqualTo(1);
    }

    /** Regression: a fail-fast error raised by the DataSource inside a mapper call did not name the statement. */
    @Test
    void aFailFastErrorNamesTheMappedStatement() throws Exception {
        long id = fx.users.add(new User("ada@example.com", "Ada"));
        server.stop();
        Await.until("the outage is noticed", Duration.ofSeconds(10), () -> {
            try {
                fx.users.find(id);
            } catch (DatabaseError expected) {
                // stale connections fail first
            }
            return fx.manager.getConnectionStatus().phase() == ConnectionPhase.RECONNECTING;
        });

        DatabaseError plain = catchThrowableOfType(DatabaseError.class,
                () -> fx.users.add(new User("b@example.com", "B")));
        DatabaseError inTx = catchThrowableOfType(DatabaseError.class,
                () -> fx.client.useTransaction(() -> fx.users.add(new User("c@example.com", "C"))));
        DatabaseError readOnly = catchThrowableOfType(DatabaseError.class,
                () -> fx.client.inTransaction(TransactionOptions.defaults().readOnly(), () -> fx.users.count()));

        String insert = UserMapper.class.getName() + ".insert";
        assertFailedFastAt(plain, insert);
        assertFailedFastAt(inTx, insert);
        assertFailedFastAt(readOnly, UserMapper.class.getName() + ".count");
    }

    private static void assertFailedFastAt(DatabaseError e, String statement) {
        assertThat(e.context()).containsEntry("statement", statement);
        assertThat(e.getMessage()).contains(statement);
        assertThat(e.code()).isEqualTo(ErrorCode.NETWORK_ERROR);
        assertThat(Causes.chain(e)).as("failed fast in the DataSource")
                .anyMatch(SQLTransientConnectionException.class::isInstance);
    }

    @Test
    void aConnectionLostAtCommitSaysTheOutcomeIsUnknown() {
        SessionMapper session = fx.client.mapper(SessionMapper.class);

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> fx.client.useTransaction(() -> {
            fx.users.add(new User("c@example.com", "C"));
            int pid = session.backendPid();
            try (Connection admin = db.connect();
                 Statement s = admin.createStatement()) {
                s.execute("SELECT pg_terminate_backend(" + pid + ")");
            }
        }));

        assertThat(e.code()).isEqualTo(ErrorCode.NETWORK_ERROR);
        assertThat(e.getMessage()).contains("Outcome of COMMIT unknown");
        assertThat(e.context()).containsEntry("statement", "commit");
        assertThat(fx.users.count()).isZero();
    }
}
