package dev.pgkeeper.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.mybatis.fixtures.Fixture;
import dev.pgkeeper.mybatis.fixtures.SessionMapper;
import dev.pgkeeper.testing.PostgresExtension;
import dev.pgkeeper.testing.TestDatabase;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ibatis.session.TransactionIsolationLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two SERIALIZABLE transactions that really conflict: each reads the last number in a log and appends the
 * next. Run side by side, both read the same last number; PostgreSQL lets the first commit and fails the
 * second with 40001. Retried, the second reads the new last number and appends after it.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConflictRetryIT {

    private Fixture fx;
    private SessionMapper log;
    private final java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newFixedThreadPool(2);
    private volatile boolean swallowConflicts;

    @BeforeAll
    void start(TestDatabase db) throws SQLException {
        fx = Fixture.start(db);
        log = fx.client.mapper(SessionMapper.class);
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
        executor.shutdownNow();
        fx.close();
    }

    @Test
    void theConflictingTransactionIsRetriedAndTheResultIsSerial() throws Exception {
        List<TransactionRetry> retries = new CopyOnWriteArrayList<>();
        TransactionOptions options = TransactionOptions.defaults()
                .isolation(TransactionIsolationLevel.SERIALIZABLE)
                .retryOnConflict(5)
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(100))
                .onRetry(retries::add);

        List<Long> appended = runTwoConflicting(options);

        assertThat(appended).containsExactlyInAnyOrder(1L, 2L);
        assertThat(lastSeq()).isEqualTo(2);
        assertThat(retries).hasSize(1);
        assertThat(retries.get(0).error().code()).isEqualTo(ErrorCode.SERIALIZATION_FAILURE);
        assertThat(retries.get(0).failedAttempt()).isEqualTo(1);
    }

    @Test
    void aConflictSwallowedInsideTheBlockIsStillRetried() throws Exception {
        AtomicInteger retries = new AtomicInteger();
        TransactionOptions options = TransactionOptions.defaults()
                .isolation(TransactionIsolationLevel.SERIALIZABLE).retryOnConflict(5)
                .onRetry(r -> retries.incrementAndGet());
        swallowConflicts = true;
        try {
            List<Long> appended = runTwoConflicting(options);

            assertThat(appended).containsExactlyInAnyOrder(1L, 2L);
            assertThat(lastSeq()).isEqualTo(2);
            assertThat(retries).hasValue(1);
        } finally {
            swallowConflicts = false;
        }
    }

    @Test
    void aDeadlockIsRetried() throws Exception {
        TransactionOptions options = TransactionOptions.defaults().retryOnConflict(5);
        CountDownLatch bothLocked = new CountDownLatch(2);
        AtomicInteger attempts = new AtomicInteger();

        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> fx.client.useTransaction(options, () -> {
            boolean first = attempts.incrementAndGet() <= 2;
            log.detectDeadlocksQuickly();
            log.bump(1);
            if (first) {
                await(bothLocked, true);
            }
            log.bump(2);
        }), executor);
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> fx.client.useTransaction(options, () -> {
            boolean first = attempts.incrementAndGet() <= 2;
            log.detectDeadlocksQuickly();
            log.bump(2);
            if (first) {
                await(bothLocked, true);
            }
            log.bump(1);
        }), executor);
        CompletableFuture.allOf(a, b).get(30, TimeUnit.SECONDS);

        assertThat(attempts.get()).as("one of them ran again").isEqualTo(3);
    }

    @Test
    void withoutOptingInTheCallerGetsATemporarySerializationFailure() {
        TransactionOptions options = TransactionOptions.defaults().isolation(TransactionIsolationLevel.SERIALIZABLE);

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> runTwoConflicting(options));

        assertThat(e.code()).isEqualTo(ErrorCode.SERIALIZATION_FAILURE);
        assertThat(e.isTemporary()).isTrue();
        assertThat(lastSeq()).as("only the first transaction's row").isEqualTo(1);
    }

    /**
     * Runs two transactions that read the last number before either writes. The second waits for the first
     * to commit before it writes, on its first attempt only.
     */
    private List<Long> runTwoConflicting(TransactionOptions options) throws Exception {
        CountDownLatch bothRead = new CountDownLatch(2);
        CountDownLatch firstCommitted = new CountDownLatch(1);
        AtomicInteger secondAttempts = new AtomicInteger();

        CompletableFuture<Long> first = CompletableFuture.supplyAsync(() -> {
            long next = fx.client.inTransaction(options, () -> {
                long seq = log.lastSeq() + 1;
                await(bothRead, true);
                log.logSeq(seq);
                return seq;
            });
            firstCommitted.countDown();
            return next;
        }, executor);
        CompletableFuture<Long> second = CompletableFuture.supplyAsync(() -> fx.client.inTransaction(options, () -> {
            boolean firstAttempt = secondAttempts.incrementAndGet() == 1;
            long seq = log.lastSeq() + 1;
            if (firstAttempt) {
                await(bothRead, true);
                await(firstCommitted, false);
            }
            try {
                log.logSeq(seq);
            } catch (DatabaseError e) {
                if (!swallowConflicts) {
                    throw e;
                }
            }
            return seq;
        }), executor);
        try {
            return List.of(first.get(30, TimeUnit.SECONDS), second.get(30, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    private static void await(CountDownLatch latch, boolean countDownFirst) {
        if (countDownFirst) {
            latch.countDown();
        }
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other transaction did not arrive");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private long lastSeq() {
        return log.lastSeq();
    }
}
