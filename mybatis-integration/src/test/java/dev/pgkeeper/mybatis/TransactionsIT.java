package dev.pgkeeper.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.mybatis.fixtures.Causes;
import dev.pgkeeper.mybatis.fixtures.Fixture;
import dev.pgkeeper.mybatis.fixtures.ProjectMapper;
import dev.pgkeeper.mybatis.fixtures.SessionMapper;
import dev.pgkeeper.mybatis.fixtures.User;
import dev.pgkeeper.mybatis.fixtures.UserMapper;
import dev.pgkeeper.testing.PostgresExtension;
import dev.pgkeeper.testing.TestDatabase;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ibatis.session.TransactionIsolationLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Transactions across repositories: commit, rollback, nesting, isolation, read-only, many threads. */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransactionsIT {

    private Fixture fx;
    private SessionMapper session;

    @BeforeAll
    void start(TestDatabase db) throws SQLException {
        fx = startFixture(db);
        session = fx.client.mapper(SessionMapper.class);
    }

    /** The fixture the tests run on: connected to {@code db} directly; {@link PgBouncerTransactionsIT} goes through PgBouncer. */
    Fixture startFixture(TestDatabase db) throws SQLException {
        return Fixture.start(db);
    }

    @BeforeEach
    void clear() throws SQLException {
        fx.clear();
    }

    @AfterEach
    void nothingLeaked() {
        fx.assertNothingLeaked();
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    @Test
    void twoRepositoriesCommitTogether() {
        long projectId = fx.client.inTransaction(() -> {
            long owner = fx.users.add(new User("owner@example.com", "Owner"));
            return fx.projects.add(owner, "Apollo");
        });

        assertThat(projectId).isPositive();
        assertThat(fx.users.count()).isEqualTo(1);
        assertThat(fx.projects.count()).isEqualTo(1);
    }

    @Test
    void oneTransactionMeansOneServerTransaction() {
        List<Long> ids = fx.client.inTransaction(() -> List.of(session.transactionId(), session.transactionId()));

        assertThat(ids.get(0)).isEqualTo(ids.get(1));
    }

    @Test
    void aDefaultMapperMethodJoinsTheTransactionAndIsTranslated() {
        List<Long> alone = session.twoTransactionIds();
        fx.client.useTransaction(() -> {
            long first = session.transactionId();
            assertThat(session.twoTransactionIds()).as("both statements joined the transaction").containsOnly(first);
        });

        assertThat(alone.get(1)).as("autocommit: each statement its own transaction")
                .isNotEqualTo(alone.get(0));
        DatabaseError e = catchThrowableOfType(DatabaseError.class, session::transactionIdThenFailure);
        assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
        assertThat(e.getMessage()).as("names the statement that failed").contains("SessionMapper.undefinedTable");
    }

    @Test
    void outsideATransactionADefaultMapperMethodIsInNone() {
        assertThat(session.seesTransaction(fx.client)).as("isInTransaction() in a default method").isFalse();
        fx.client.useTransaction(() -> assertThat(session.seesTransaction(fx.client)).isTrue());

        assertThatThrownBy(() -> session.logSeqThenFailInTransaction(fx.client, 7))
                .isInstanceOf(IllegalStateException.class);

        assertThat(session.lastSeq()).as("the transaction the default method opened was rolled back").isZero();
    }

    @Test
    void aRuntimeExceptionRollsBackAndPassesThroughUnchanged() {
        IllegalStateException thrown = new IllegalStateException("business rule");

        Throwable caught = catchThrowable(() -> fx.client.useTransaction(() -> {
            long owner = fx.users.add(new User("owner@example.com", "Owner"));
            fx.projects.add(owner, "Apollo");
            throw thrown;
        }));

        assertThat(caught).isSameAs(thrown);
        assertThat(fx.users.count()).isZero();
        assertThat(fx.projects.count()).isZero();
    }

    @Test
    void aCheckedExceptionRollsBackAndPassesThroughUnchanged() {
        IOException thrown = new IOException("upstream said no");

        Throwable caught = catchThrowable(() -> fx.client.<Long, IOException>inTransaction(() -> {
            fx.users.add(new User("owner@example.com", "Owner"));
            throw thrown;
        }));

        assertThat(caught).isSameAs(thrown);
        assertThat(fx.users.count()).isZero();
    }

    @Test
    void aDatabaseFailureRollsBackEverything() {
        fx.users.add(new User("taken@example.com", "Taken"));

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> fx.client.useTransaction(() -> {
            fx.users.add(new User("new@example.com", "New"));
            fx.users.add(new User("taken@example.com", "Again"));
        }));

        assertThat(e.code()).isEqualTo(ErrorCode.UNIQUE_VIOLATION);
        assertThat(fx.users.count()).isEqualTo(1);
    }

    @Test
    void aNestedCallJoinsTheOuterTransaction() {
        Throwable caught = catchThrowable(() -> fx.client.useTransaction(() -> {
            fx.users.add(new User("outer@example.com", "Outer"));
            long innerTx = fx.client.inTransaction(() -> {
                fx.users.add(new User("inner@example.com", "Inner"));
                return session.transactionId();
            });
            assertThat(innerTx).isEqualTo(session.transactionId());
            assertThat(fx.client.isInTransaction()).as("still inside the outer one").isTrue();
            throw new IllegalStateException("outer fails after the inner block returned");
        }));

        assertThat(caught).hasMessageContaining("outer fails");
        assertThat(fx.users.count()).as("the inner work went with the outer rollback").isZero();
    }

    @Test
    void anIsolationLevelCanBeAskedFor() {
        String level = fx.client.inTransaction(
                TransactionOptions.defaults().isolation(TransactionIsolationLevel.SERIALIZABLE), session::isolation);
        String defaultLevel = fx.client.inTransaction(session::isolation);

        assertThat(level).isEqualTo("serializable");
        assertThat(defaultLevel).isEqualTo("read committed");
    }

    @Test
    void joiningWithAnotherIsolationLevelIsRefused() {
        assertThatThrownBy(() -> fx.client.useTransaction(() -> fx.client.useTransaction(
                TransactionOptions.defaults().isolation(TransactionIsolationLevel.SERIALIZABLE), () -> { })))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("set the isolation level on the outermost");
    }

    @Test
    void aReadOnlyTransactionRefusesWrites() {
        TransactionOptions readOnly = TransactionOptions.defaults().readOnly();

        assertThat(fx.client.inTransaction(readOnly, session::readOnly)).isEqualTo("on");
        DatabaseError e = catchThrowableOfType(DatabaseError.class,
                () -> fx.client.useTransaction(readOnly, () -> fx.users.add(new User("x@example.com", "X"))));

        assertThat(e.code()).isEqualTo(ErrorCode.READ_ONLY_TRANSACTION);
        assertThat(fx.client.inTransaction(session::readOnly)).as("the connection is read-write again").isEqualTo("off");
    }

    @Test
    void manyThreadsRunTransactionsConcurrently() throws Exception {
        int threads = 8;
        int perThread = 40;
        AtomicInteger rolledBack = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        int n = i;
                        try {
                            fx.client.useTransaction(() -> {
                                long owner = fx.users.add(new User("t" + thread + "-" + n + "@example.com", "T"));
                                fx.projects.add(owner, "p");
                                if (n % 5 == 0) {
                                    throw new IllegalStateException("every fifth one rolls back");
                                }
                            });
                        } catch (IllegalStateException expected) {
                            rolledBack.incrementAndGet();
                        }
                        assertThat(fx.client.isInTransaction()).isFalse();
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

        long committed = (long) threads * perThread - rolledBack.get();
        assertThat(rolledBack.get()).isEqualTo(threads * perThread / 5);
        assertThat(fx.users.count()).isEqualTo(committed);
        assertThat(fx.projects.count()).isEqualTo(committed);
    }

    @Test
    void aCaughtStatementFailureIsNotReportedAsCommitted() {
        fx.users.add(new User("taken@example.com", "Taken"));

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> fx.client.inTransaction(() -> {
            fx.users.add(new User("new@example.com", "New"));
            try {
                fx.users.add(new User("taken@example.com", "Again"));
            } catch (DatabaseError swallowed) {
                // the block goes on as if nothing happened
            }
            return "done";
        }));

        assertThat(e.code()).isEqualTo(ErrorCode.UNIQUE_VIOLATION);
        assertThat(e.getMessage()).contains("rolled back, not committed");
        assertThat(fx.users.count()).as("nothing of the block was written").isEqualTo(1);
    }

    /** Regression: the 25P02 refusal of the next statement was reported as that statement's own failure. */
    @Test
    void aStatementRefusedAfterACaughtFailureNamesThatFailure() {
        fx.users.add(new User("taken@example.com", "Taken"));
        AtomicReference<DatabaseError> swallowed = new AtomicReference<>();

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> fx.client.useTransaction(() -> {
            long owner = fx.users.add(new User("owner@example.com", "Owner"));
            try {
                fx.users.add(new User("taken@example.com", "Again"));
            } catch (DatabaseError first) {
                swallowed.set(first); // the block goes on as if nothing happened
            }
            fx.projects.add(owner, "Apollo");
        }));

        String userInsert = UserMapper.class.getName() + ".insert";
        assertThat(swallowed.get().context()).containsEntry("statement", userInsert);
        assertThat(e.context()).as("names the first failure").containsEntry("statement", userInsert)
                .containsEntry("sqlState", "23505");
        assertThat(e.getMessage()).contains(userInsert, "UNIQUE_VIOLATION", ProjectMapper.class.getName() + ".insert");
        assertThat(e.code()).isEqualTo(ErrorCode.UNIQUE_VIOLATION);
        assertThat(Causes.chain(e)).as("the first failure is the cause").contains(swallowed.get());
        assertThat(fx.users.count()).isEqualTo(1);
        assertThat(fx.projects.count()).isZero();
    }

    @Test
    void aMappingFailureCaughtEarlierIsNotBlamedForTheRefusal() {
        fx.users.add(new User("taken@example.com", "Taken"));

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> fx.client.useTransaction(() -> {
            long owner = fx.users.add(new User("owner@example.com", "Owner"));
            try {
                fx.users.missing(owner); // MyBatis fails before the server sees anything: the transaction goes on
            } catch (DatabaseError mapping) {
                assertThat(mapping.code()).isEqualTo(ErrorCode.SCHEMA_ERROR);
            }
            fx.projects.add(owner, "still fine");
            try {
                fx.users.add(new User("taken@example.com", "Again"));
            } catch (DatabaseError ignored) {
                // the block goes on
            }
            fx.projects.add(owner, "refused");
        }));

        assertThat(e.code()).isEqualTo(ErrorCode.UNIQUE_VIOLATION);
        assertThat(e.context()).containsEntry("statement", UserMapper.class.getName() + ".insert");
    }

    @Test
    void aWriteThroughASelectOutsideATransactionReportsItsOwnFailure() {
        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> session.insertDeferredChild(999));

        assertThat(e.code()).as("the deferred foreign key fails when the statement commits").isEqualTo(ErrorCode.FOREIGN_KEY_VIOLATION);
    }

    @Test
    void aReadOnlyBlockCannotJoinAReadWriteTransaction() {
        assertThatThrownBy(() -> fx.client.useTransaction(() ->
                fx.client.useTransaction(TransactionOptions.defaults().readOnly(), () -> { })))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("read-only");
    }

    @Test
    void aJoinedBlockDoesNotRetryItsConflict() {
        AtomicInteger innerRuns = new AtomicInteger();
        DatabaseError conflict = new DatabaseError(ErrorCode.SERIALIZATION_FAILURE, "simulated");

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> fx.client.useTransaction(() ->
                fx.client.useTransaction(TransactionOptions.defaults().retryOnConflict(5), () -> {
                    innerRuns.incrementAndGet();
                    throw conflict;
                })));

        assertThat(e).isSameAs(conflict);
        assertThat(innerRuns).hasValue(1);
    }

    @Test
    void retriesStopAfterMaxAttemptsWithTheLastConflict() {
        AtomicInteger runs = new AtomicInteger();
        List<TransactionRetry> retries = new java.util.concurrent.CopyOnWriteArrayList<>();
        TransactionOptions options = TransactionOptions.defaults().retryOnConflict(3)
                .retryBackoff(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(5)).onRetry(retries::add);

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> fx.client.useTransaction(options, () -> {
            throw new DatabaseError(ErrorCode.DEADLOCK_DETECTED, "attempt " + runs.incrementAndGet());
        }));

        assertThat(runs).hasValue(3);
        assertThat(e.getMessage()).isEqualTo("attempt 3");
        assertThat(retries).extracting(TransactionRetry::failedAttempt).containsExactly(1, 2);
    }

    @Test
    void aCheckedExceptionPassesThroughTheRetryPathUnchangedAndIsNotRetried() {
        IOException thrown = new IOException("not a conflict");
        AtomicInteger runs = new AtomicInteger();

        Throwable caught = catchThrowable(() -> fx.client.<String, IOException>inTransaction(
                TransactionOptions.defaults().retryOnConflict(3), () -> {
                    runs.incrementAndGet();
                    fx.users.add(new User("x@example.com", "X"));
                    throw thrown;
                }));

        assertThat(caught).isSameAs(thrown);
        assertThat(runs).hasValue(1);
        assertThat(fx.users.count()).isZero();
    }

    @Test
    void aTransactionSpanningAReconnectCompletesOnItsConnection() {
        fx.client.useTransaction(() -> {
            fx.users.add(new User("before@example.com", "Before"));
            assertThat(fx.manager.reconnect().success()).isTrue();
            fx.users.add(new User("after@example.com", "After"));
        });

        assertThat(fx.users.count()).isEqualTo(2);
    }

    @Test
    void batchesAreSentWhenFlushed() {
        List<User> rows = java.util.stream.IntStream.range(0, 30)
                .mapToObj(i -> new User("f" + i + "@example.com", "F")).toList();

        fx.client.useTransaction(TransactionOptions.defaults().batch(), () -> {
            UserMapperAccess.insertAll(fx.client, rows.subList(0, 10));
            assertThat(rows.get(0).getId()).as("queued, not sent").isNull();
            fx.client.flushStatements();
            assertThat(rows.subList(0, 10)).as("sent: keys filled in").allSatisfy(u -> assertThat(u.getId()).isNotNull());
            UserMapperAccess.insertAll(fx.client, rows.subList(10, 30));
        });

        assertThat(fx.users.count()).isEqualTo(30);
        assertThat(rows).allSatisfy(u -> assertThat(u.getId()).isNotNull());
    }

    /** Inserts through the user mapper directly. */
    private static final class UserMapperAccess {
        static void insertAll(MyBatisClient client, List<User> users) {
            dev.pgkeeper.mybatis.fixtures.UserMapper mapper = client.mapper(dev.pgkeeper.mybatis.fixtures.UserMapper.class);
            users.forEach(mapper::insert);
        }
    }
}
