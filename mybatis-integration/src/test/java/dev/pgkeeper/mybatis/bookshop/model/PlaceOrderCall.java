package dev.pgkeeper.mybatis.bookshop.model;

/**
 * The parameters of {@code place_order} called as a JDBC callable statement: three IN parameters, and the
 * function's result, which MyBatis writes into {@link #getOrderId()} (an OUT parameter).
 */
public class PlaceOrderCall {
    private final long customerId;
    private final long bookId;
    private final int quantity;
    private Long orderId;

    public PlaceOrderCall(long customerId, long bookId, int quantity) {
        this.customerId = customerId;
        this.bookId = bookId;
        this.quantity = quantity;
    }

    public long getCustomerId() {
        return customerId;
    }

    public long getBookId() {
        return bookId;
    }

    public int getQuantity() {
        return quantity;
    }

    public Long getOrderId() {
        return orderId;
    }

    public void setOrderId(Long orderId) {
        this.orderId = orderId;
    }
}
