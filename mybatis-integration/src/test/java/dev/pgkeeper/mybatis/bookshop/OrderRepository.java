package dev.pgkeeper.mybatis.bookshop;

import dev.pgkeeper.mybatis.BaseRepository;
import dev.pgkeeper.mybatis.MyBatisClient;
import dev.pgkeeper.mybatis.bookshop.model.Book;
import dev.pgkeeper.mybatis.bookshop.model.Order;
import dev.pgkeeper.mybatis.bookshop.model.OrderLine;
import dev.pgkeeper.mybatis.bookshop.model.PlaceOrderCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Orders: placed in Java across three mappers, or by the database's {@code place_order} function. */
public final class OrderRepository extends BaseRepository<OrderMapper> {

    private final BookMapper books;
    private final Inventory inventory;

    public OrderRepository(MyBatisClient client, Inventory inventory) {
        super(client, OrderMapper.class);
        this.books = client.mapper(BookMapper.class);
        this.inventory = inventory;
    }

    /**
     * Places an order for {@code copiesByBook} (book id to copies, in line order) at today's prices, taking the
     * copies from stock; all or nothing.
     *
     * @return the order, with its id, placedAt and lines (each with its id)
     * @throws OutOfStockException when a book has too few copies (nothing is written then)
     */
    public Order place(long customerId, Map<Long, Integer> copiesByBook) {
        Map<Long, Integer> wanted = new LinkedHashMap<>(copiesByBook);
        return client().inTransaction(() -> {
            Order order = new Order(customerId);
            mapper().insert(order);
            Map<Long, Book> prices = books.byIdsAsMap(wanted.keySet());
            List<OrderLine> lines = new ArrayList<>();
            for (Map.Entry<Long, Integer> e : wanted.entrySet()) {
                inventory.take(e.getKey(), e.getValue());
                lines.add(new OrderLine(lines.size() + 1, e.getKey(), e.getValue(), prices.get(e.getKey()).getPrice()));
            }
            mapper().insertLines(order.getId(), lines);
            order.setLines(lines);
            return order;
        });
    }

    /** One line, placed by {@code SELECT place_order(...)}. */
    public long placeWithFunction(long customerId, long bookId, int copies) {
        return mapper().placeOrder(customerId, bookId, copies);
    }

    /** One line, placed by calling {@code place_order} as a callable statement with an OUT parameter. */
    public long placeWithCall(long customerId, long bookId, int copies) {
        PlaceOrderCall call = new PlaceOrderCall(customerId, bookId, copies);
        mapper().placeOrderCall(call);
        return call.getOrderId();
    }

    public Order detail(long id) {
        return mapper().findDetail(id);
    }

    public List<Order> detailsOf(long customerId) {
        return mapper().findDetailsOf(customerId);
    }

    public Order withSelects(long id) {
        return mapper().findWithSelects(id);
    }

    public long joinedRowsOf(long id) {
        return mapper().countDetailRows(id);
    }

    public void ship(long id) {
        mapper().markShipped(id);
    }

    /** Cancels the order and puts its copies back in stock; refused by the database once it has shipped. */
    public String cancel(long id) {
        return mapper().cancel(id);
    }

    public long count() {
        return mapper().count();
    }
}
