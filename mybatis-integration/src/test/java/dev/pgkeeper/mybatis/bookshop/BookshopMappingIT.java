package dev.pgkeeper.mybatis.bookshop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.pgkeeper.mybatis.bookshop.model.Book;
import dev.pgkeeper.mybatis.bookshop.model.EBook;
import dev.pgkeeper.mybatis.bookshop.model.Order;
import dev.pgkeeper.mybatis.bookshop.model.OrderLine;
import dev.pgkeeper.mybatis.bookshop.model.PrintedBook;
import dev.pgkeeper.mybatis.bookshop.model.Tag;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bookshop's result maps against PostgreSQL: nested results of one joined query folded back into objects
 * by their ids, nested selects (eager and lazy), {@code extends}, a discriminator and constructor mapping.
 */
class BookshopMappingIT extends BookshopTest {

    /** Two books by Le Guin and one by Lem, in this line order. */
    private Order adaBuysThreeBooks() {
        return shop.orders.place(seed.ada(), Bookshop.copies(seed.leftHand(), 1, seed.solaris(), 2, seed.earthsea(), 3));
    }

    @Test
    void aBookWithItsAuthorAndTagsComesFromOneJoinedQuery() {
        Book book = shop.catalog.detail(seed.cyberiad());

        assertThat(shop.statements.statements()).as("one statement, no nested select").containsExactly("BookMapper.findDetail");
        assertThat(book.getTitle()).isEqualTo("The Cyberiad");
        assertThat(book.getPrice()).isEqualByComparingTo("14.00");
        assertThat(book.getVersion()).isEqualTo(1);
        assertThat(book.getAuthor().getId()).isEqualTo(seed.lem());
        assertThat(book.getAuthor().getName()).isEqualTo("Stanisław Lem");
        assertThat(book.getAuthor().getBorn()).hasYear(1921);
        assertThat(book.getTags()).as("two joined rows folded into one book, tags built through the record's constructor")
                .containsExactly(new Tag(seed.humour(), "humour"), new Tag(seed.sf(), "sf"));
    }

    @Test
    void aBookWithoutTagsHasAnEmptyCollectionNotATagOfNulls() {
        Book kindred = shop.catalog.detail(seed.kindred());

        assertThat(kindred.getAuthor().getName()).isEqualTo("Octavia E. Butler");
        assertThat(kindred.getTags()).isEmpty();
    }

    @Test
    void anOrderIsFoldedFromTheJoinAcrossFourLevelsByTheIds() {
        Order placed = adaBuysThreeBooks();

        Order order = shop.orders.detail(placed.getId());

        // lines x tags: Left Hand (sf, classic), Solaris (sf, classic), Earthsea (fantasy, classic)
        assertThat(shop.orders.joinedRowsOf(placed.getId())).as("rows of the join").isEqualTo(6);
        assertThat(order.getId()).isEqualTo(placed.getId());
        assertThat(order.getStatus()).isEqualTo("NEW");
        assertThat(order.getPlacedAt()).isEqualTo(placed.getPlacedAt());
        assertThat(order.getCustomer().getFullName()).isEqualTo("Ada Lovelace");
        assertThat(order.getLines()).as("one line per id, in line order")
                .extracting(OrderLine::getLineNo, OrderLine::getQuantity, l -> l.getBook().getTitle(),
                        l -> l.getBook().getAuthor().getName())
                .containsExactly(
                        tuple(1, 1, "The Left Hand of Darkness", "Ursula K. Le Guin"),
                        tuple(2, 2, "Solaris", "Stanisław Lem"),
                        tuple(3, 3, "A Wizard of Earthsea", "Ursula K. Le Guin"));
        assertThat(order.getLines()).extracting(l -> l.getBook().getTags().stream().map(Tag::name).toList())
                .containsExactly(List.of("classic", "sf"), List.of("classic", "sf"), List.of("classic", "fantasy"));
        assertThat(order.getLines()).extracting(OrderLine::getId)
                .containsExactlyElementsOf(placed.getLines().stream().map(OrderLine::getId).toList());
        assertThat(order.total()).as("1 x 12.50 + 2 x 11.00 + 3 x 9.99").isEqualByComparingTo("64.47");
    }

    @Test
    void severalOrdersOfOneCustomerStayApartInOneJoin() {
        Order first = adaBuysThreeBooks();
        Order second = shop.orders.place(seed.ada(), Map.of(seed.leftHand(), 4));
        shop.orders.place(seed.grace(), Map.of(seed.kindred(), 1));
        shop.statements.clear();

        List<Order> orders = shop.orders.detailsOf(seed.ada());

        assertThat(shop.statements.statements()).containsExactly("OrderMapper.findDetailsOf");
        assertThat(orders).extracting(Order::getId).containsExactly(first.getId(), second.getId());
        assertThat(orders.get(0).getLines()).hasSize(3);
        assertThat(orders.get(1).getLines()).singleElement().satisfies(line -> {
            assertThat(line.getQuantity()).isEqualTo(4);
            assertThat(line.getBook().getTitle()).isEqualTo("The Left Hand of Darkness");
            assertThat(line.getBook().getTags()).extracting(Tag::name).containsExactly("classic", "sf");
        });
        assertThat(orders.get(0).getCustomer()).as("the customer of each order is its own object")
                .isNotSameAs(orders.get(1).getCustomer());
    }

    @Test
    void nestedSelectsLoadTheEagerAssociationAtOnceAndTheLazyOnesWhenRead() {
        Order placed = adaBuysThreeBooks();
        shop.statements.clear();

        shop.client.useTransaction(() -> {
            Order order = shop.orders.withSelects(placed.getId());
            assertThat(shop.statements.statements()).as("the customer is fetchType=eager")
                    .containsExactly("OrderMapper.findWithSelects", "CustomerMapper.findById");
            assertThat(order.getCustomer().getEmail()).isEqualTo("ada@example.com");

            List<OrderLine> lines = order.getLines();
            assertThat(shop.statements.statements()).endsWith("OrderMapper.linesOf").hasSize(3);
            assertThat(lines).extracting(OrderLine::getBookId)
                    .containsExactly(seed.leftHand(), seed.solaris(), seed.earthsea());

            assertThat(lines.get(1).getBook().getTitle()).isEqualTo("Solaris");
            assertThat(shop.statements.statements()).as("one book loaded, only the one read")
                    .endsWith("BookMapper.findById").hasSize(4);
            assertThat(order.total()).isEqualByComparingTo("64.47");
        });
    }

    @Test
    void theDiscriminatorMapsPaperbacksAndEbooksToTheirClasses() {
        List<Book> entries = shop.catalog.catalogEntries();

        assertThat(entries).extracting(Book::getTitle, b -> b.getClass().getSimpleName()).containsExactly(
                tuple("A Wizard of Earthsea", "PrintedBook"),
                tuple("The Left Hand of Darkness", "EBook"),
                tuple("Solaris", "PrintedBook"),
                tuple("The Cyberiad", "EBook"),
                tuple("Kindred", "PrintedBook"));
        assertThat(((PrintedBook) entries.get(0)).getPages()).isEqualTo(183);
        assertThat(((EBook) entries.get(1)).getDownloadMb()).isEqualByComparingTo("2.1");
        assertThat(entries.get(1).getPrice()).as("the columns of the extended map").isEqualByComparingTo("12.50");
        assertThat(entries.get(1).getAuthorId()).isEqualTo(seed.leGuin());
    }
}
