package dev.pgkeeper.mybatis.bookshop.model;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/** A row of {@code orders} with its customer and lines (joined, or loaded by nested selects). */
public class Order {
    private Long id;
    private Long customerId;
    private String status;
    private OffsetDateTime placedAt;
    private Customer customer;
    private List<OrderLine> lines;

    public Order() {
    }

    public Order(long customerId) {
        this.customerId = customerId;
    }

    /** The sum of the lines; goes through {@link #getLines()} so that lazily loaded lines are loaded first. */
    public BigDecimal total() {
        return getLines().stream().map(OrderLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public Long getCustomerId() {
        return customerId;
    }

    public void setCustomerId(Long customerId) {
        this.customerId = customerId;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public OffsetDateTime getPlacedAt() {
        return placedAt;
    }

    public void setPlacedAt(OffsetDateTime placedAt) {
        this.placedAt = placedAt;
    }

    public Customer getCustomer() {
        return customer;
    }

    public void setCustomer(Customer customer) {
        this.customer = customer;
    }

    public List<OrderLine> getLines() {
        return lines;
    }

    public void setLines(List<OrderLine> lines) {
        this.lines = lines;
    }
}
