package dev.pgkeeper.mybatis.bookshop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import dev.pgkeeper.mybatis.bookshop.model.Author;
import dev.pgkeeper.mybatis.bookshop.model.Book;
import dev.pgkeeper.mybatis.bookshop.model.BookQuery;
import dev.pgkeeper.mybatis.bookshop.model.BookQuery.Sort;
import dev.pgkeeper.mybatis.bookshop.model.Customer;
import dev.pgkeeper.mybatis.bookshop.model.Order;
import dev.pgkeeper.mybatis.bookshop.model.OrderLine;
import dev.pgkeeper.mybatis.bookshop.model.Tag;
import dev.pgkeeper.mybatis.bookshop.report.AuthorRevenue;
import dev.pgkeeper.mybatis.bookshop.report.SaleRow;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The bookshop's queries: dynamic SQL, generated keys, paging, maps keyed by id and result handlers, against
 * PostgreSQL.
 */
class BookshopQueriesIT extends BookshopTest {

    private String lastSql() {
        List<StatementLog.Entry> entries = shop.statements.entries();
        return entries.get(entries.size() - 1).sql();
    }

    // --- <foreach>, <where>, <if>, <choose>, <set>, <sql>/<include> ---

    @Test
    void foreachBuildsAnInListOfExactlyTheGivenIds() {
        List<Book> books = shop.catalog.byIds(List.of(seed.kindred(), seed.solaris(), seed.kindred()));

        assertThat(titles(books)).containsExactly("Solaris", "Kindred");
        assertThat(lastSql()).endsWith("WHERE b.id IN (?, ?, ?) ORDER BY b.id");
    }

    @Test
    void anEmptyIdListMatchesNothingInsteadOfFailingOnInParentheses() {
        assertThat(shop.catalog.byIds(List.of())).isEmpty();
        assertThat(lastSql()).endsWith("WHERE FALSE ORDER BY b.id");
    }

    @Test
    void searchUsesOnlyTheCriteriaThatAreSet() {
        assertThat(titles(shop.catalog.search(BookQuery.any()))).hasSize(5);
        assertThat(lastSql()).doesNotContain("WHERE");

        assertThat(titles(shop.catalog.search(BookQuery.any().titleLike("%the%"))))
                .containsExactly("The Left Hand of Darkness", "The Cyberiad");
        assertThat(lastSql()).as("<where> drops the leading AND of the first condition")
                .contains("WHERE b.title ILIKE ?").doesNotContain("WHERE AND");

        assertThat(titles(shop.catalog.search(BookQuery.any().author(seed.leGuin()).maxPrice("10.00"))))
                .containsExactly("A Wizard of Earthsea");
        assertThat(lastSql()).contains("WHERE b.author_id = ? AND b.price <= ?");

        assertThat(titles(shop.catalog.search(BookQuery.any().anyTag("humour", "fantasy"))))
                .containsExactly("A Wizard of Earthsea", "The Cyberiad");
        assertThat(titles(shop.catalog.search(BookQuery.any().anyTag("sf").maxPrice("12.00").titleLike("S%"))))
                .containsExactly("Solaris");
    }

    @Test
    void chooseTakesTheSortOrderFromAFixedSet() {
        assertThat(titles(shop.catalog.search(BookQuery.any().sortBy(Sort.TITLE)))).containsExactly(
                "A Wizard of Earthsea", "Kindred", "Solaris", "The Cyberiad", "The Left Hand of Darkness");
        assertThat(lastSql()).endsWith("ORDER BY b.title, b.id");

        assertThat(titles(shop.catalog.search(BookQuery.any().sortBy(Sort.PRICE_DESC)))).containsExactly(
                "The Cyberiad", "The Left Hand of Darkness", "Solaris", "Kindred", "A Wizard of Earthsea");
        assertThat(lastSql()).endsWith("ORDER BY b.price DESC, b.id");

        assertThat(shop.catalog.search(BookQuery.any().sortBy(Sort.ID))).extracting(Book::getId)
                .containsExactly(seed.earthsea(), seed.leftHand(), seed.solaris(), seed.cyberiad(), seed.kindred());
        assertThat(lastSql()).as("<otherwise>").endsWith("ORDER BY b.id");
    }

    @Test
    void setChangesOnlyTheFieldsOfThePatch() {
        Customer patch = new Customer();
        patch.setId(seed.grace());
        patch.setTier("GOLD");

        assertThat(shop.customers.updateProfile(patch)).isTrue();

        assertThat(lastSql()).as("<set> drops the trailing comma").isEqualTo("UPDATE customers SET tier = ? WHERE id = ?");
        Customer grace = shop.customers.find(seed.grace()).orElseThrow();
        assertThat(grace.getTier()).isEqualTo("GOLD");
        assertThat(grace.getFullName()).isEqualTo("Grace Hopper");
        assertThat(grace.getEmail()).isEqualTo("grace@example.com");
        assertThat(shop.customers.find(seed.ada()).orElseThrow().getTier()).isEqualTo("GOLD");
        assertThatThrownBy(() -> shop.customers.updateProfile(new Customer()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sharedFragmentsAreIncludedWithTheirPropertiesAcrossMappers() {
        shop.catalog.detail(seed.solaris());

        assertThat(lastSql()).as("AuthorMapper's and TagMapper's columns, aliased and prefixed by BookMapper")
                .contains("a.id AS a_id, a.name AS a_name, a.country AS a_country, a.born AS a_born")
                .contains("t.id AS t_id, t.name AS t_name");
    }

    // --- generated keys ---

    @Test
    void aSingleInsertGetsItsGeneratedKeys() {
        Author author = new Author("Iain M. Banks", "GB", LocalDate.of(1954, 2, 16));
        long id = shop.authors.add(author);
        assertThat(id).isGreaterThan(seed.butler());

        Order order = new Order(seed.grace());
        shop.client.mapper(OrderMapper.class).insert(order);

        assertThat(order.getId()).isPositive();
        assertThat(order.getPlacedAt()).as("a second generated column, the placed_at default")
                .isCloseTo(OffsetDateTime.now(), within(1, ChronoUnit.MINUTES));
        assertThat(shop.client.mapper(OrderMapper.class).findWithSelects(order.getId()).getPlacedAt())
                .isEqualTo(order.getPlacedAt());
    }

    @Test
    void aMultiRowForeachInsertSetsTheKeyOfEveryElement() throws SQLException {
        List<Author> authors = IntStream.rangeClosed(1, 25)
                .mapToObj(i -> new Author("Author " + i, i % 2 == 0 ? "FR" : "DE", null)).toList();

        List<Long> ids = shop.authors.addAll(authors);

        assertThat(shop.statements.statements()).as("one statement").containsExactly("AuthorMapper.insertAll");
        assertThat(ids).doesNotContainNull().doesNotHaveDuplicates().hasSize(25);
        for (Author author : authors) {
            assertThat(shop.authors.find(author.getId()).orElseThrow().getName()).isEqualTo(author.getName());
        }
        assertThat(shop.sql("SELECT count(*) FROM authors")).isEqualTo(28);
    }

    @Test
    void orderLinesGetTheirKeysFromOneMultiRowInsert() {
        Order order = shop.orders.place(seed.grace(), Bookshop.copies(seed.kindred(), 1, seed.cyberiad(), 2));

        assertThat(order.getLines()).extracting(OrderLine::getId).doesNotContainNull().doesNotHaveDuplicates();
        assertThat(shop.client.mapper(OrderMapper.class).linesOf(order.getId()))
                .extracting(OrderLine::getId, OrderLine::getBookId)
                .containsExactly(
                        tuple(order.getLines().get(0).getId(), seed.kindred()),
                        tuple(order.getLines().get(1).getId(), seed.cyberiad()));
    }

    @Test
    void selectKeyTakesTheIdFromTheSequenceBeforeTheInsert() throws SQLException {
        Customer alan = new Customer("alan@example.com", "Alan Turing", "STANDARD");

        long id = shop.customers.register(alan);

        assertThat(shop.statements.statements()).as("the selectKey statement runs first")
                .containsExactly("CustomerMapper.insert!selectKey", "CustomerMapper.insert");
        assertThat(id).isEqualTo(alan.getId()).isEqualTo(shop.sql("SELECT currval('customers_id_seq')"));
        assertThat(shop.customers.findByEmail("alan@example.com").orElseThrow().getId()).isEqualTo(id);
    }

    @Test
    void insertReturningGivesTheIdOfANewOrAnExistingTag() {
        long existing = shop.tags.ensure("sf");
        long created = shop.tags.ensure("cyberpunk");

        assertThat(existing).isEqualTo(seed.sf());
        assertThat(created).isGreaterThan(seed.humour());
        assertThat(shop.tags.ensure("cyberpunk")).as("not served from a cache: the select has flushCache").isEqualTo(created);
        assertThat(shop.tags.all()).extracting(Tag::name)
                .containsExactly("classic", "cyberpunk", "fantasy", "humour", "sf");
    }

    // --- paging ---

    @Test
    void rowBoundsPagesGiveTheSameBooksAsLimitAndOffset() {
        for (int i = 0; i < 7; i++) {
            shop.catalog.add(Bookshop.printed(seed.lem(), "Lem " + (char) ('A' + i), null, "5.00", 100));
        }

        for (int page = 0; page < 5; page++) {
            List<Book> bounded = shop.catalog.page(page, 3);
            List<Book> limited = shop.catalog.pageInSql(page, 3);

            assertThat(bounded).extracting(Book::getId).as("page " + page)
                    .containsExactlyElementsOf(limited.stream().map(Book::getId).toList());
        }
        assertThat(titles(shop.catalog.page(1, 3))).containsExactly("Lem B", "Lem C", "Lem D");
        assertThat(shop.catalog.page(4, 3)).as("12 books: page 4 is empty").isEmpty();
        assertThat(shop.catalog.page(3, 3)).hasSize(3);
    }

    @Test
    void rowBoundsSkipsAndStopsOnTheClientWhileLimitOffsetAsksTheServer() {
        shop.catalog.page(1, 2);
        String bounded = lastSql();
        shop.catalog.pageInSql(1, 2);
        String limited = lastSql();

        assertThat(bounded).as("the server is asked for every row; MyBatis skips 2 and stops after 2 more")
                .endsWith("ORDER BY b.title, b.id").doesNotContain("LIMIT");
        assertThat(limited).endsWith("ORDER BY b.title, b.id LIMIT ? OFFSET ?");
    }

    // --- @MapKey, ResultHandler ---

    @Test
    void mapKeyReturnsTheBooksByTheirId() {
        Map<Long, Book> books = shop.catalog.byIdsAsMap(List.of(seed.earthsea(), seed.cyberiad(), 999_999L));

        assertThat(books).containsOnlyKeys(seed.earthsea(), seed.cyberiad());
        assertThat(books.keySet()).allSatisfy(k -> assertThat(k).isInstanceOf(Long.class));
        assertThat(books.get(seed.cyberiad()).getTitle()).isEqualTo("The Cyberiad");
        assertThat(books.get(seed.earthsea()).getPrice()).isEqualByComparingTo("9.99");
    }

    private void someSales() {
        shop.orders.place(seed.ada(), Bookshop.copies(seed.earthsea(), 2, seed.solaris(), 1));
        shop.orders.place(seed.grace(), Bookshop.copies(seed.cyberiad(), 3));
        shop.orders.place(seed.grace(), Bookshop.copies(seed.kindred(), 1, seed.leftHand(), 4));
        Order cancelled = shop.orders.place(seed.ada(), Bookshop.copies(seed.kindred(), 5));
        shop.orders.cancel(cancelled.getId());
    }

    @Test
    void aResultHandlerSumsRevenueRowByRowAsTheDatabaseDoes() {
        someSales();

        Map<Long, BigDecimal> inJava = shop.sales.revenueByAuthor();
        List<AuthorRevenue> inSql = shop.sales.revenueByAuthorInDatabase();

        // Le Guin: 2 x 9.99 + 4 x 12.50; Lem: 11.00 + 3 x 14.00; Butler: 10.00 (the cancelled order does not count)
        assertThat(inJava).containsExactly(
                entry(seed.leGuin(), new BigDecimal("69.98")),
                entry(seed.lem(), new BigDecimal("53.00")),
                entry(seed.butler(), new BigDecimal("10.00")));
        assertThat(inSql.stream().collect(Collectors.toMap(AuthorRevenue::getAuthorId, AuthorRevenue::getRevenue)))
                .allSatisfy((author, revenue) -> assertThat(revenue).isEqualByComparingTo(inJava.get(author)))
                .hasSize(3);
        assertThat(inSql.get(0).getAuthorName()).isEqualTo("Ursula K. Le Guin");
    }

    @Test
    void aResultHandlerCanStopAfterTheRowsItNeeds() {
        someSales(); // 6 lines

        List<SaleRow> first = shop.sales.firstSales(2);

        assertThat(first).extracting(SaleRow::authorId, SaleRow::quantity)
                .containsExactly(tuple(seed.leGuin(), 2), tuple(seed.lem(), 1));
        assertThat(first.get(0).unitPrice()).isEqualByComparingTo("9.99");
    }
}
