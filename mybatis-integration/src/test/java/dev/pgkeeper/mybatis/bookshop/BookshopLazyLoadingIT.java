package dev.pgkeeper.mybatis.bookshop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.mybatis.bookshop.StatementLog.Entry;
import dev.pgkeeper.mybatis.bookshop.model.Author;
import dev.pgkeeper.mybatis.bookshop.model.Book;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Lazy loading (lazyLoadingEnabled in bookshop/mybatis-config.xml): {@link Author#getBooks()} is a nested select
 * that runs when the getter is first called. Inside the transaction that loaded the author it runs in that
 * transaction; otherwise MyBatis opens an executor of its own on the environment's DataSource (the manager's),
 * which reads in a short transaction on a connection of its own.
 */
class BookshopLazyLoadingIT extends BookshopTest {

    private static final String FIND_AUTHOR = "AuthorMapper.findById";
    private static final String BOOKS_OF_AUTHOR = "BookMapper.byAuthor";

    private long addBookByLem(String title) {
        return shop.catalog.add(Bookshop.printed(seed.lem(), title, null, "12.00", 300));
    }

    @Test
    void aLazyCollectionIsReadWhenItsGetterIsCalledInTheSameTransaction() throws SQLException {
        Throwable rolledBack = catchThrowable(() -> shop.client.useTransaction(() -> {
            addBookByLem("Fiasco"); // not committed
            shop.statements.clear();

            Author lem = shop.authors.find(seed.lem()).orElseThrow();
            assertThat(lem.getName()).isEqualTo("Stanisław Lem");
            assertThat(shop.statements.statements()).as("nothing loaded but the author").containsExactly(FIND_AUTHOR);

            List<Book> books = lem.getBooks();

            assertThat(shop.statements.statements()).containsExactly(FIND_AUTHOR, BOOKS_OF_AUTHOR);
            assertThat(titles(books)).as("sees the uncommitted book").containsExactly("Solaris", "The Cyberiad", "Fiasco");
            Entry author = shop.statements.of(FIND_AUTHOR).get(0);
            Entry lazy = shop.statements.of(BOOKS_OF_AUTHOR).get(0);
            assertThat(lazy.backendPid()).as("same connection").isEqualTo(author.backendPid());
            assertThat(lazy.autoCommit()).as("in the transaction").isFalse();
            assertThat(lem.getBooks()).as("loaded once").isSameAs(books);
            assertThat(shop.statements.statements()).hasSize(2);
            throw new IllegalStateException("roll back");
        }));

        assertThat(rolledBack).hasMessage("roll back");
        assertThat(shop.sql("SELECT count(*) FROM books WHERE title = 'Fiasco'")).isZero();
    }

    @Test
    void afterTheTransactionALazyLoadRunsInAShortTransactionOfItsOwn() {
        Author lem = shop.client.inTransaction(() -> shop.authors.find(seed.lem()).orElseThrow());
        addBookByLem("Fiasco"); // committed after the author was read
        shop.statements.clear();
        int borrowed = shop.borrows.get();

        List<Book> books = lem.getBooks();

        assertThat(titles(books)).as("read when the getter ran").containsExactly("Solaris", "The Cyberiad", "Fiasco");
        assertThat(shop.statements.entries()).singleElement().satisfies(e -> {
            assertThat(e.statement()).isEqualTo(BOOKS_OF_AUTHOR);
            assertThat(e.autoCommit()).as("a transaction of its own (MyBatis's ResultLoader: autoCommit false)").isFalse();
        });
        assertThat(shop.borrows.get() - borrowed).as("one connection borrowed for the load").isEqualTo(1);
        assertThat(shop.manager.getConnectionStatus().pool().active()).as("and returned").isZero();
        assertThat(shop.sessions.open()).as("MyBatis closed the executor it opened").isZero();
    }

    @Test
    void outsideAnyTransactionTheAuthorIsReadInAutocommitAndItsBooksInATransactionOfTheirOwn() {
        int borrowed = shop.borrows.get();
        Author leGuin = shop.authors.find(seed.leGuin()).orElseThrow();
        assertThat(shop.statements.statements()).containsExactly(FIND_AUTHOR);

        assertThat(titles(leGuin.getBooks())).containsExactly("A Wizard of Earthsea", "The Left Hand of Darkness");

        List<Entry> entries = shop.statements.entries();
        assertThat(entries).extracting(Entry::statement).containsExactly(FIND_AUTHOR, BOOKS_OF_AUTHOR);
        assertThat(entries).extracting(Entry::autoCommit).containsExactly(true, false);
        assertThat(shop.borrows.get() - borrowed).as("a connection each").isEqualTo(2);
    }

    @Test
    void aLazyLoadInsideALaterTransactionDoesNotJoinIt() {
        Author lem = shop.client.inTransaction(() -> shop.authors.find(seed.lem()).orElseThrow());

        shop.client.useTransaction(() -> {
            addBookByLem("Fiasco"); // uncommitted, in this transaction
            int pid = shop.client.mapper(SessionSettingsMapper.class).backendPid();
            shop.statements.clear();

            List<Book> books = lem.getBooks();

            assertThat(titles(books)).as("read on another connection: the uncommitted book is not there")
                    .containsExactly("Solaris", "The Cyberiad");
            assertThat(shop.statements.of(BOOKS_OF_AUTHOR)).singleElement()
                    .satisfies(e -> assertThat(e.backendPid()).isNotEqualTo(pid));
            assertThat(shop.manager.getConnectionStatus().pool().active())
                    .as("the load borrowed a second connection while the transaction held one, and gave it back")
                    .isEqualTo(1);
        });
    }

    @Test
    void aLazyLoadOnAnotherThreadDoesNotSeeTheTransaction() throws Exception {
        shop.client.useTransaction(() -> {
            addBookByLem("Fiasco");
            Author lem = shop.authors.find(seed.lem()).orElseThrow();
            int pid = shop.client.mapper(SessionSettingsMapper.class).backendPid();

            List<String> onOtherThread = CompletableFuture.supplyAsync(() -> titles(lem.getBooks()))
                    .get(10, TimeUnit.SECONDS);

            assertThat(onOtherThread).as("MyBatis loads on a new executor when the thread is not the one that read")
                    .containsExactly("Solaris", "The Cyberiad");
            assertThat(shop.statements.of(BOOKS_OF_AUTHOR)).singleElement().satisfies(e -> {
                assertThat(e.backendPid()).isNotEqualTo(pid);
                assertThat(e.thread()).isNotEqualTo(Thread.currentThread().getName());
            });
        });
    }

    @Test
    void toStringOfALazyObjectLoadsItsLazyProperties() {
        Author butler = shop.authors.find(seed.butler()).orElseThrow();
        shop.statements.clear();

        String logged = "loaded " + butler; // as a log line would

        assertThat(logged).isEqualTo("loaded Author[" + seed.butler() + ", Octavia E. Butler]");
        assertThat(shop.statements.statements()).as("toString is one of MyBatis's lazyLoadTriggerMethods")
                .containsExactly(BOOKS_OF_AUTHOR);
    }

    /** Holds an exclusive lock on books, so that reading books waits, until closed. */
    private AutoCloseable lockBooks() throws SQLException {
        Connection locker = shop.manager.dataSource().getConnection();
        locker.setAutoCommit(false);
        try (Statement s = locker.createStatement()) {
            s.execute("LOCK TABLE books IN ACCESS EXCLUSIVE MODE");
        }
        return () -> {
            locker.rollback();
            locker.close();
        };
    }

    @Test
    void aMapperCallThatTimesOutIsAQueryCanceledDatabaseError() throws Exception {
        try (AutoCloseable lock = lockBooks()) {
            Throwable e = catchThrowable(() -> shop.client.useTransaction(() -> {
                shop.client.mapper(SessionSettingsMapper.class).statementTimeoutForThisTransaction("200ms");
                shop.client.mapper(BookMapper.class).byAuthor(seed.lem());
            }));

            assertThat(e).isInstanceOfSatisfying(DatabaseError.class, d -> {
                assertThat(d.code()).isEqualTo(ErrorCode.QUERY_CANCELED);
                assertThat(d.getMessage()).contains("BookMapper.byAuthor");
            });
        }
    }

    /**
     * A lazy load that fails reaches the getter's caller as the driver's exception, not translated (the README
     * says so): the load runs inside MyBatis's result proxy, outside every pgkeeper call. The exception still
     * carries everything {@code categorize} needs.
     */
    @Test
    void aLazyLoadThatTimesOutThrowsTheDriversExceptionFromTheGetter() throws Exception {
        try (AutoCloseable lock = lockBooks()) {
            Throwable e = catchThrowable(() -> shop.client.useTransaction(() -> {
                Author lem = shop.authors.find(seed.lem()).orElseThrow();
                shop.client.mapper(SessionSettingsMapper.class).statementTimeoutForThisTransaction("200ms");
                lem.getBooks();
            }));

            assertThat(e).isNotInstanceOf(DatabaseError.class).isInstanceOf(org.postgresql.util.PSQLException.class);
            assertThat(((SQLException) e).getSQLState()).isEqualTo("57014");
            assertThat(shop.manager.categorize(e).code()).as("what the application can do with it")
                    .isEqualTo(ErrorCode.QUERY_CANCELED);
        }
    }
}
