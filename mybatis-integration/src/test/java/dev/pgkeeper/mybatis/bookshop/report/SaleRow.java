package dev.pgkeeper.mybatis.bookshop.report;

import java.math.BigDecimal;

/** One order line as the sales report reads it, mapped through the constructor. */
public record SaleRow(Long authorId, Integer quantity, BigDecimal unitPrice) {

    public BigDecimal amount() {
        return unitPrice.multiply(BigDecimal.valueOf(quantity));
    }
}
