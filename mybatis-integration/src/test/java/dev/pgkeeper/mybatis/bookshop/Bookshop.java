package dev.pgkeeper.mybatis.bookshop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.BorrowObserver;
import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.mybatis.MyBatisClient;
import dev.pgkeeper.mybatis.bookshop.model.Author;
import dev.pgkeeper.mybatis.bookshop.model.Book;
import dev.pgkeeper.mybatis.bookshop.model.Customer;
import dev.pgkeeper.mybatis.bookshop.model.EBook;
import dev.pgkeeper.mybatis.bookshop.model.PrintedBook;
import dev.pgkeeper.mybatis.fixtures.Fixture;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bookshop application wired as it would be in production: its existing mybatis-config.xml, the model
 * package's aliases from the builder, one more mapper from the builder; the repositories on top. For the
 * tests: the schema, a small catalog ({@link #seed()}), and the checks every test ends with.
 */
public final class Bookshop implements AutoCloseable {

    public static final String CONFIG = "bookshop/mybatis-config.xml";
    public static final String MODEL_PACKAGE = "dev.pgkeeper.mybatis.bookshop.model";

    /** The ids of what {@link #seed()} wrote. */
    public record Seed(long leGuin, long lem, long butler,
                       long earthsea, long leftHand, long solaris, long cyberiad, long kindred,
                       long classic, long sf, long fantasy, long humour,
                       long ada, long grace) {
    }

    public final ConnectionManager manager;
    public final MyBatisClient client;
    public final OpenSessions sessions = new OpenSessions();
    public final StatementLog statements;
    /** Connections handed out by the manager's DataSource so far. */
    public final AtomicInteger borrows = new AtomicInteger();

    public final AuthorRepository authors;
    public final CatalogRepository catalog;
    public final TagRepository tags;
    public final CustomerRepository customers;
    public final Inventory inventory;
    public final OrderRepository orders;
    public final EventLog events;
    public final SalesReport sales;
    public final PriceDesk priceDesk;

    private Bookshop(ConnectionManager manager) {
        this.manager = manager;
        this.client = builder(manager).configure(configuration -> configuration.addInterceptor(sessions)).build();
        this.statements = StatementLog.of(client);
        manager.addBorrowObserver(new BorrowObserver() {
            @Override
            public void borrowed(boolean reads, long elapsedNanos) {
                borrows.incrementAndGet();
            }

            @Override
            public void failed(boolean reads, long elapsedNanos, ErrorCode code) {
            }
        });
        this.authors = new AuthorRepository(client);
        this.catalog = new CatalogRepository(client);
        this.tags = new TagRepository(client);
        this.customers = new CustomerRepository(client);
        this.inventory = new Inventory(client);
        this.orders = new OrderRepository(client, inventory);
        this.events = new EventLog(client);
        this.sales = new SalesReport(client);
        this.priceDesk = new PriceDesk(client, catalog, events);
    }

    /** Creates the schema in {@code db}, connects, and builds the application. */
    public static Bookshop start(TestDatabase db) throws SQLException {
        ConnectionManager manager = ConnectionManager.create(Fixture.config(db).build());
        assertThat(manager.initializeConnection().success()).isTrue();
        Jdbc.execute(manager.dataSource(), schema());
        return new Bookshop(manager);
    }

    /** How the application builds its client: the file, the model aliases, the report mapper and an annotation mapper. */
    public static MyBatisClient.Builder builder(ConnectionManager manager) {
        return MyBatisClient.builder()
                .connectionManager(manager)
                .configuration(CONFIG)
                .typeAliasesPackage(MODEL_PACKAGE)
                .addMapperResource("bookshop/ReportMapper.xml")
                .addMapper(SessionSettingsMapper.class);
    }

    /** bookshop/schema.sql. */
    public static String schema() {
        try (InputStream in = Bookshop.class.getClassLoader().getResourceAsStream("bookshop/schema.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Empties every table and the statement log. */
    public void clear() throws SQLException {
        Jdbc.execute(manager.dataSource(), "TRUNCATE authors, books, tags, book_tags, customers, stock, orders, "
                + "order_lines, events RESTART IDENTITY CASCADE");
        client.sqlSessionFactory().getConfiguration().getCaches().forEach(org.apache.ibatis.cache.Cache::clear);
        statements.clear();
    }

    /**
     * Three authors, five books (three paperbacks, two e-books; all tagged but Kindred), ten copies of each
     * book in stock but two of Solaris, two customers.
     */
    public Seed seed() {
        return client.inTransaction(() -> {
            List<Long> a = authors.addAll(List.of(
                    new Author("Ursula K. Le Guin", "US", LocalDate.of(1929, 10, 21)),
                    new Author("Stanisław Lem", "PL", LocalDate.of(1921, 9, 12)),
                    new Author("Octavia E. Butler", "US", LocalDate.of(1947, 6, 22))));
            long earthsea = catalog.add(printed(a.get(0), "A Wizard of Earthsea", "978-0-553-38304-2", "9.99", 183));
            long leftHand = catalog.add(ebook(a.get(0), "The Left Hand of Darkness", "978-0-441-47812-5", "12.50", "2.1"));
            long solaris = catalog.add(printed(a.get(1), "Solaris", "978-0-15-602760-1", "11.00", 204));
            long cyberiad = catalog.add(ebook(a.get(1), "The Cyberiad", "978-0-15-602759-5", "14.00", "3.4"));
            long kindred = catalog.add(printed(a.get(2), "Kindred", "978-0-8070-8305-5", "10.00", 264));
            long classic = tags.ensure("classic");
            long sf = tags.ensure("sf");
            long fantasy = tags.ensure("fantasy");
            long humour = tags.ensure("humour");
            catalog.tag(earthsea, List.of(fantasy, classic));
            catalog.tag(leftHand, List.of(sf, classic));
            catalog.tag(solaris, List.of(sf, classic));
            catalog.tag(cyberiad, List.of(sf, humour));
            for (long book : List.of(earthsea, leftHand, cyberiad, kindred)) {
                inventory.stock(book, 10);
            }
            inventory.stock(solaris, 2);
            long ada = customers.register(new Customer("ada@example.com", "Ada Lovelace", "GOLD"));
            long grace = customers.register(new Customer("grace@example.com", "Grace Hopper", "STANDARD"));
            statements.clear();
            return new Seed(a.get(0), a.get(1), a.get(2), earthsea, leftHand, solaris, cyberiad, kindred,
                    classic, sf, fantasy, humour, ada, grace);
        });
    }

    /** Book id to copies, in the order given: {@code copies(bookA, 2, bookB, 1)}. */
    public static Map<Long, Integer> copies(long... bookThenCopies) {
        Map<Long, Integer> copies = new LinkedHashMap<>();
        for (int i = 0; i < bookThenCopies.length; i += 2) {
            copies.put(bookThenCopies[i], (int) bookThenCopies[i + 1]);
        }
        return copies;
    }

    public static PrintedBook printed(long author, String title, String isbn, String price, int pages) {
        PrintedBook book = new PrintedBook();
        fill(book, author, title, isbn, price, "PAPERBACK");
        book.setPages(pages);
        return book;
    }

    public static EBook ebook(long author, String title, String isbn, String price, String downloadMb) {
        EBook book = new EBook();
        fill(book, author, title, isbn, price, "EBOOK");
        book.setDownloadMb(new BigDecimal(downloadMb));
        return book;
    }

    private static void fill(Book book, long author, String title, String isbn, String price, String format) {
        book.setAuthorId(author);
        book.setTitle(title);
        book.setIsbn(isbn);
        book.setPrice(new BigDecimal(price));
        book.setFormat(format);
    }

    /** Runs a query outside MyBatis (its own connection) and returns the number in its first column. */
    public long sql(String query) throws SQLException {
        return Jdbc.queryLong(manager.dataSource(), query);
    }

    /** No session open on any thread, every connection back, no transaction open here. */
    public void assertNothingLeaked() {
        assertThat(sessions.open()).as("MyBatis sessions still open").isZero();
        assertThat(client.isInTransaction()).as("a transaction left open on the test thread").isFalse();
        assertThat(manager.getConnectionStatus().pool().active()).as("connections still lent out").isZero();
    }

    @Override
    public void close() {
        manager.disconnect();
    }
}
