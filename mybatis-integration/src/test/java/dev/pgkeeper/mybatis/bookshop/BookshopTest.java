package dev.pgkeeper.mybatis.bookshop;

import dev.pgkeeper.mybatis.bookshop.Bookshop.Seed;
import dev.pgkeeper.mybatis.bookshop.model.Book;
import dev.pgkeeper.testing.PostgresExtension;
import dev.pgkeeper.testing.TestDatabase;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every bookshop test class shares: one shop per class on a database of its own, the same seed data
 * before each test, and the check after it that nothing leaked.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BookshopTest {

    Bookshop shop;
    Seed seed;

    @BeforeAll
    void startShop(TestDatabase db) throws SQLException {
        shop = Bookshop.start(db);
    }

    @BeforeEach
    void seedShop() throws SQLException {
        shop.clear();
        seed = shop.seed();
    }

    @AfterEach
    void nothingLeaked() {
        shop.assertNothingLeaked();
    }

    @AfterAll
    void stopShop() {
        shop.close();
    }

    static List<String> titles(List<Book> books) {
        return books.stream().map(Book::getTitle).toList();
    }
}
