package dev.pgkeeper.mybatis.bookshop.model;

import java.math.BigDecimal;

/** A row of {@code order_lines}: so many copies of a book at the price of the day. */
public class OrderLine {
    private Long id;
    private Long orderId;
    private int lineNo;
    private Long bookId;
    private int quantity;
    private BigDecimal unitPrice;
    private Book book;

    public OrderLine() {
    }

    public OrderLine(int lineNo, long bookId, int quantity, BigDecimal unitPrice) {
        this.lineNo = lineNo;
        this.bookId = bookId;
        this.quantity = quantity;
        this.unitPrice = unitPrice;
    }

    public BigDecimal amount() {
        return unitPrice.multiply(BigDecimal.valueOf(quantity));
    }

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public Long getOrderId() {
        return orderId;
    }

    public void setOrderId(Long orderId) {
        this.orderId = orderId;
    }

    public int getLineNo() {
        return lineNo;
    }

    public void setLineNo(int lineNo) {
        this.lineNo = lineNo;
    }

    public Long getBookId() {
        return bookId;
    }

    public void setBookId(Long bookId) {
        this.bookId = bookId;
    }

    public int getQuantity() {
        return quantity;
    }

    public void setQuantity(int quantity) {
        this.quantity = quantity;
    }

    public BigDecimal getUnitPrice() {
        return unitPrice;
    }

    public void setUnitPrice(BigDecimal unitPrice) {
        this.unitPrice = unitPrice;
    }

    public Book getBook() {
        return book;
    }

    public void setBook(Book book) {
        this.book = book;
    }
}
