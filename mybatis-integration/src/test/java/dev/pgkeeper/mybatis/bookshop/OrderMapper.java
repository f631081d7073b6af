package dev.pgkeeper.mybatis.bookshop;

import dev.pgkeeper.mybatis.bookshop.model.Order;
import dev.pgkeeper.mybatis.bookshop.model.OrderLine;
import dev.pgkeeper.mybatis.bookshop.model.PlaceOrderCall;
import java.util.List;
import org.apache.ibatis.annotations.Param;

/** bookshop/OrderMapper.xml. */
public interface OrderMapper {
    /** The order with its customer, lines, books, authors and tags: nested results of one query. */
    Order findDetail(long id);

    List<Order> findDetailsOf(long customerId);

    /** How many rows the join of {@link #findDetail} returns for the order. */
    long countDetailRows(long id);

    /** The order with its customer (eager nested select) and lines (lazy nested select). */
    Order findWithSelects(long id);

    List<OrderLine> linesOf(long orderId);

    int insert(Order order);

    int insertLines(@Param("orderId") long orderId, @Param("lines") List<OrderLine> lines);

    Long placeOrder(@Param("customerId") long customerId, @Param("bookId") long bookId, @Param("quantity") int quantity);

    Long placeOrderCachedByMistake(@Param("customerId") long customerId, @Param("bookId") long bookId,
                                   @Param("quantity") int quantity);

    /** Calls {@code place_order} as a callable statement; the new order's id lands in {@code call.getOrderId()}. */
    void placeOrderCall(PlaceOrderCall call);

    String cancel(long id);

    int markShipped(long id);

    long count();
}
