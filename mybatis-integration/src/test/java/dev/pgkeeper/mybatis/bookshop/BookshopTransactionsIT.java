package dev.pgkeeper.mybatis.bookshop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.mybatis.TransactionOptions;
import dev.pgkeeper.mybatis.bookshop.model.Book;
import dev.pgkeeper.mybatis.bookshop.model.Event;
import dev.pgkeeper.mybatis.bookshop.model.Order;
import dev.pgkeeper.mybatis.bookshop.model.Tag;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.ibatis.executor.BatchExecutor;
import org.apache.ibatis.executor.BatchResult;
import org.junit.jupiter.api.Test;

/**
 * The bookshop's writes: batch imports, the {@code place_order} function (as a select and as a callable
 * statement), optimistic locking between editors, cursors, and MyBatis's caches across commit and rollback.
 */
class BookshopTransactionsIT extends BookshopTest {

    private List<Book> importedBooks(int count, int negativePriceAt) {
        return IntStream.range(0, count).mapToObj(i -> new Book(seed.lem(), "Imported " + i, "isbn-" + i,
                new BigDecimal(i == negativePriceAt ? "-1.00" : "4.99"))).toList();
    }

    // --- batch executor ---

    @Test
    void aBatchImportSendsFiveThousandBooksInFiveFlushes() throws SQLException {
        List<Book> books = importedBooks(5_000, -1);

        ImportReport report = shop.catalog.importBooks(books, 1_000);

        assertThat(report.rows()).isEqualTo(5_000);
        assertThat(report.flushes()).hasSize(5).allSatisfy(flush -> assertThat(flush).singleElement().satisfies(batch -> {
            assertThat(batch.getMappedStatement().getId()).endsWith("BookMapper.insert");
            assertThat(batch.getParameterObjects()).hasSize(1_000);
            assertThat(batch.getUpdateCounts()).hasSize(1_000).containsOnly(1);
        }));
        assertThat(shop.statements.of("BookMapper.insert")).as("one prepared statement per flush, not per row").hasSize(5)
                .allSatisfy(e -> assertThat(e.autoCommit()).isFalse());
        assertThat(books).extracting(Book::getId).as("keys set at each flush").doesNotContainNull().doesNotHaveDuplicates();
        assertThat(shop.sql("SELECT count(*) FROM books WHERE title LIKE 'Imported %'")).isEqualTo(5_000);
        assertThat(shop.catalog.find(books.get(4_321).getId()).orElseThrow().getTitle()).isEqualTo("Imported 4321");
    }

    @Test
    void inABatchAMapperCallReturnsAPlaceholderAndTheKeyComesAtTheFlush() {
        Book book = new Book(seed.lem(), "Fiasco", null, new BigDecimal("12.00"));

        shop.client.useTransaction(TransactionOptions.defaults().batch(), () -> {
            int count = shop.client.mapper(BookMapper.class).insert(book);
            assertThat(count).isEqualTo(BatchExecutor.BATCH_UPDATE_RETURN_VALUE);
            assertThat(book.getId()).as("nothing sent yet").isNull();

            List<BatchResult> results = shop.client.flushStatements();

            assertThat(results).singleElement().satisfies(r -> assertThat(r.getUpdateCounts()).containsExactly(1));
            assertThat(book.getId()).isNotNull();
        });
        assertThat(shop.catalog.find(book.getId())).isPresent();
    }

    @Test
    void aFailingRowInTheLastBatchRollsBackTheBatchesAlreadySent() throws SQLException {
        List<Book> books = importedBooks(5_000, 4_321);

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> shop.catalog.importBooks(books, 1_000));

        assertThat(e.code()).isEqualTo(ErrorCode.CHECK_VIOLATION);
        assertThat(e.sqlState()).isEqualTo("23514");
        assertThat(e.getMessage() + e.troubleshootingSteps()).contains("books_price_not_negative");
        assertThat(shop.statements.of("BookMapper.insert")).as("four batches had been sent").hasSize(5);
        assertThat(shop.sql("SELECT count(*) FROM books WHERE title LIKE 'Imported %'")).isZero();
        assertThat(shop.catalog.count()).isEqualTo(5);
    }

    /**
     * A block that catches a failed flushStatements() and returns fails with the flush's error, as
     * MyBatisClient.inTransaction promises for any caught failure. Once the flush's failure was not remembered
     * as the transaction's first, and the commit failed as UNKNOWN_ERROR (25P02) instead of CHECK_VIOLATION.
     */
    @Test
    void aCaughtFlushFailureFailsTheTransactionWithTheFlushesError() throws SQLException {
        Throwable e = catchThrowable(() -> shop.client.useTransaction(TransactionOptions.defaults().batch(), () -> {
            shop.client.mapper(BookMapper.class).insert(new Book(seed.lem(), "Bad", null, new BigDecimal("-1")));
            try {
                shop.client.flushStatements();
            } catch (DatabaseError ignored) {
                // the block goes on, as the javadoc's example of a swallowed failure
            }
        }));

        assertThat(e).isInstanceOfSatisfying(DatabaseError.class,
                d -> assertThat(d.code()).isEqualTo(ErrorCode.CHECK_VIOLATION));
        assertThat(shop.catalog.count()).isEqualTo(5);
    }

    // --- the place_order function ---

    @Test
    void theFunctionCalledBySelectTakesStockAndWritesTheOrder() {
        long orderId = shop.orders.placeWithFunction(seed.grace(), seed.solaris(), 2);

        assertThat(shop.inventory.copies(seed.solaris())).isZero();
        Order order = shop.orders.detail(orderId);
        assertThat(order.getCustomer().getEmail()).isEqualTo("grace@example.com");
        assertThat(order.getLines()).singleElement().satisfies(line -> {
            assertThat(line.getBook().getTitle()).isEqualTo("Solaris");
            assertThat(line.getQuantity()).isEqualTo(2);
            assertThat(line.getUnitPrice()).isEqualByComparingTo("11.00");
        });
    }

    @Test
    void theFunctionCalledAsACallableStatementReturnsTheIdAsAnOutParameter() {
        long first = shop.orders.placeWithCall(seed.ada(), seed.kindred(), 3);
        long second = shop.client.inTransaction(() -> shop.orders.placeWithCall(seed.ada(), seed.kindred(), 3));

        assertThat(shop.statements.of("OrderMapper.placeOrderCall")).hasSize(2)
                .allSatisfy(e -> assertThat(e.sql()).startsWith("{ ? = call place_order("));
        assertThat(second).isGreaterThan(first);
        assertThat(shop.inventory.copies(seed.kindred())).isEqualTo(4);
        assertThat(shop.orders.detail(second).getLines()).singleElement()
                .satisfies(line -> assertThat(line.getBookId()).isEqualTo(seed.kindred()));
    }

    @Test
    void outOfStockRaisedByTheFunctionIsACheckViolationNamingTheStatement() {
        long ordersBefore = shop.orders.count();

        DatabaseError bySelect = catchThrowableOfType(DatabaseError.class,
                () -> shop.orders.placeWithFunction(seed.ada(), seed.solaris(), 3));
        DatabaseError byCall = catchThrowableOfType(DatabaseError.class,
                () -> shop.client.useTransaction(() -> shop.orders.placeWithCall(seed.ada(), seed.solaris(), 3)));

        for (DatabaseError e : List.of(bySelect, byCall)) {
            assertThat(e.code()).isEqualTo(ErrorCode.CHECK_VIOLATION);
            assertThat(e.sqlState()).isEqualTo("23514");
            assertThat(e.isTemporary()).isFalse();
            assertThat(e.getMessage()).contains("book " + seed.solaris() + " is out of stock: 3 wanted");
        }
        assertThat(bySelect.getMessage()).contains("OrderMapper.placeOrder");
        assertThat(bySelect.context()).containsEntry("statement", OrderMapper.class.getName() + ".placeOrder");
        assertThat(byCall.context()).containsEntry("statement", OrderMapper.class.getName() + ".placeOrderCall");
        assertThat(shop.inventory.copies(seed.solaris())).isEqualTo(2);
        assertThat(shop.orders.count()).isEqualTo(ordersBefore);
    }

    @Test
    void aPlainRaiseWithoutAnErrcodeArrivesAsAnUnknownErrorThatCallsItselfTemporary() {
        long orderId = shop.orders.placeWithFunction(seed.ada(), seed.earthsea(), 1);
        assertThat(shop.orders.cancel(orderId)).isEqualTo("CANCELLED");
        assertThat(shop.inventory.copies(seed.earthsea())).as("copies put back").isEqualTo(10);
        long shipped = shop.orders.placeWithFunction(seed.ada(), seed.earthsea(), 1);
        shop.orders.ship(shipped);

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> shop.orders.cancel(shipped));

        assertThat(e.sqlState()).isEqualTo("P0001");
        assertThat(e.code()).as("pgkeeper has no code for raise_exception").isEqualTo(ErrorCode.UNKNOWN_ERROR);
        assertThat(e.isTemporary()).as("so a retry policy would run the refused cancellation again").isTrue();
        assertThat(e.getMessage()).contains("order " + shipped + " has shipped and cannot be cancelled")
                .contains("OrderMapper.cancel");
    }

    @Test
    void aSelectWithSideEffectsAndNoFlushCacheIsAnsweredFromTheLocalCacheInATransaction() throws SQLException {
        OrderMapper orders = shop.client.mapper(OrderMapper.class);

        List<Long> cached = shop.client.inTransaction(() -> List.of(
                orders.placeOrderCachedByMistake(seed.ada(), seed.kindred(), 1),
                orders.placeOrderCachedByMistake(seed.ada(), seed.kindred(), 1)));
        List<Long> flushed = shop.client.inTransaction(() -> List.of(
                orders.placeOrder(seed.ada(), seed.kindred(), 1),
                orders.placeOrder(seed.ada(), seed.kindred(), 1)));
        List<Long> outside = List.of(
                orders.placeOrderCachedByMistake(seed.ada(), seed.kindred(), 1),
                orders.placeOrderCachedByMistake(seed.ada(), seed.kindred(), 1));

        assertThat(cached.get(1)).as("the second call never reached the database").isEqualTo(cached.get(0));
        assertThat(flushed.get(1)).isNotEqualTo(flushed.get(0));
        assertThat(outside.get(1)).as("outside a transaction each call has a session of its own").isNotEqualTo(outside.get(0));
        assertThat(shop.statements.of("OrderMapper.placeOrderCachedByMistake")).hasSize(3);
        assertThat(shop.sql("SELECT count(*) FROM orders")).isEqualTo(5);
        assertThat(shop.inventory.copies(seed.kindred())).isEqualTo(5);
    }

    @Test
    void anOrderPlacedInJavaIsAllOrNothing() throws SQLException {
        OutOfStockException e = catchThrowableOfType(OutOfStockException.class,
                () -> shop.orders.place(seed.ada(), Bookshop.copies(seed.kindred(), 1, seed.solaris(), 3)));

        assertThat(e.bookId()).isEqualTo(seed.solaris());
        assertThat(shop.inventory.copies(seed.kindred())).as("the first line's copies are back").isEqualTo(10);
        assertThat(shop.sql("SELECT count(*) FROM orders")).isZero();
        assertThat(shop.sql("SELECT count(*) FROM order_lines")).isZero();
    }

    // --- optimistic locking ---

    @Test
    void ofTwoEditorsWhoReadTheSameVersionTheSecondToSaveIsRefused() throws SQLException {
        Book alice = shop.catalog.find(seed.cyberiad()).orElseThrow();
        Book bob = shop.catalog.find(seed.cyberiad()).orElseThrow();

        int saved = shop.priceDesk.reprice(alice, new BigDecimal("15.00"), "alice");
        StaleBookException stale = catchThrowableOfType(StaleBookException.class,
                () -> shop.priceDesk.reprice(bob, new BigDecimal("9.00"), "bob"));

        assertThat(saved).isEqualTo(2);
        assertThat(stale.bookId()).isEqualTo(seed.cyberiad());
        assertThat(stale.readVersion()).isEqualTo(1);
        Book now = shop.catalog.find(seed.cyberiad()).orElseThrow();
        assertThat(now.getPrice()).isEqualByComparingTo("15.00");
        assertThat(now.getVersion()).isEqualTo(2);
        assertThat(now.getTitle()).isEqualTo("The Cyberiad");
        assertThat(shop.events.all()).extracting(Event::getPayload).as("bob's event was rolled back with his edit")
                .containsExactly("alice set book " + seed.cyberiad() + " to 15.00");
        assertThat(shop.priceDesk.reprice(now, new BigDecimal("9.00"), "bob")).as("bob again, on a fresh copy").isEqualTo(3);
    }

    @Test
    void aConcurrentEditorWaitsForTheFirstToCommitAndThenFindsItsVersionGone() throws Exception {
        Book alice = shop.catalog.find(seed.solaris()).orElseThrow();
        Book bob = shop.catalog.find(seed.solaris()).orElseThrow();
        CountDownLatch aliceUpdated = new CountDownLatch(1);
        CountDownLatch commitAlice = new CountDownLatch(1);

        CompletableFuture<Integer> aliceSaves = CompletableFuture.supplyAsync(() -> shop.client.inTransaction(() -> {
            int version = shop.priceDesk.reprice(alice, new BigDecimal("13.00"), "alice"); // joins: the row stays locked
            aliceUpdated.countDown();
            awaitOrFail(commitAlice);
            return version;
        }));
        assertThat(aliceUpdated.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Integer> bobSaves = CompletableFuture.supplyAsync(
                () -> shop.priceDesk.reprice(bob, new BigDecimal("8.00"), "bob"));
        awaitOneBackendWaitingForALock();
        commitAlice.countDown();

        assertThat(aliceSaves.get(10, TimeUnit.SECONDS)).isEqualTo(2);
        Throwable bobFailed = catchThrowable(() -> bobSaves.get(10, TimeUnit.SECONDS));
        assertThat(bobFailed).hasCauseInstanceOf(StaleBookException.class);
        Book now = shop.catalog.find(seed.solaris()).orElseThrow();
        assertThat(now.getPrice()).isEqualByComparingTo("13.00");
        assertThat(now.getVersion()).isEqualTo(2);
        assertThat(shop.events.all()).extracting(Event::getPayload).singleElement().asString().startsWith("alice");
    }

    private static void awaitOrFail(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Until bob's UPDATE is blocked on alice's row lock (so that it is re-checked after her commit). */
    private void awaitOneBackendWaitingForALock() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (shop.sql("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                + "AND wait_event_type = 'Lock' AND query LIKE 'UPDATE books%'") != 1) {
            assertThat(System.nanoTime()).as("bob's UPDATE never waited for alice's lock").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    // --- cursors ---

    @Test
    void aCursorOutsideATransactionIsRefusedBeforeAnythingIsSent() {
        int borrowed = shop.borrows.get();

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> shop.client.mapper(EventMapper.class).streamAll());

        assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION_ERROR);
        assertThat(e.getMessage()).contains(EventMapper.class.getName() + ".streamAll").contains("Cursor")
                .contains("outside");
        assertThat(e.troubleshootingSteps()).anySatisfy(step -> assertThat(step).contains("inTransaction"));
        assertThat(e.context()).containsEntry("statement", EventMapper.class.getName() + ".streamAll");
        assertThat(shop.borrows.get()).as("no connection borrowed").isEqualTo(borrowed);
        assertThat(shop.statements.entries()).isEmpty();
    }

    @Test
    void aCursorInATransactionStreamsInOrderWithPgkeepersFetchSize() {
        shop.events.generate(5_000, 2);
        List<Long> ids = new ArrayList<>();

        long read = shop.events.forEach(event -> ids.add(event.getId()));

        assertThat(read).isEqualTo(5_000);
        assertThat(ids).isSorted().doesNotHaveDuplicates().startsWith(1L).endsWith(5_000L);
        assertThat(shop.statements.lastCursorFetchSize()).isEqualTo(1_000);
        assertThat(shop.statements.of("EventMapper.streamAll")).singleElement()
                .satisfies(entry -> assertThat(entry.autoCommit()).isFalse());
    }

    // --- caches ---

    @Test
    void theTagCacheDoesNotServeARenameThatWasRolledBack() {
        assertThat(shop.tags.all()).extracting(Tag::name).contains("sf");
        shop.statements.clear();

        Throwable rolledBack = catchThrowable(() -> shop.client.useTransaction(() -> {
            shop.tags.rename(seed.sf(), "science fiction");
            assertThat(shop.tags.all()).extracting(Tag::name).as("the transaction sees its rename").contains("science fiction");
            throw new IllegalStateException("editor cancelled");
        }));

        assertThat(rolledBack).hasMessage("editor cancelled");
        shop.statements.clear();
        assertThat(shop.tags.all()).extracting(Tag::name).contains("sf").doesNotContain("science fiction");
        assertThat(shop.statements.entries()).as("served from the second-level cache, as before the transaction").isEmpty();

        shop.client.useTransaction(() -> shop.tags.rename(seed.sf(), "science fiction"));
        assertThat(shop.tags.all()).extracting(Tag::name).as("a committed rename empties the cache")
                .contains("science fiction").doesNotContain("sf");
        assertThat(shop.statements.statements()).endsWith("TagMapper.all");
    }

    @Test
    void insideATransactionARepeatedReadComesFromTheSessionCache() {
        List<Book> twice = shop.client.inTransaction(() -> List.of(
                shop.catalog.find(seed.kindred()).orElseThrow(), shop.catalog.find(seed.kindred()).orElseThrow()));
        Book first = shop.catalog.find(seed.kindred()).orElseThrow();
        Book second = shop.catalog.find(seed.kindred()).orElseThrow();

        assertThat(twice.get(1)).as("MyBatis's local cache: the same object").isSameAs(twice.get(0));
        assertThat(second).as("outside a transaction every call is a session of its own").isNotSameAs(first);
        assertThat(shop.statements.of("BookMapper.findById")).hasSize(3);
    }
}
