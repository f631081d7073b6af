package dev.pgkeeper.mybatis.bookshop.report;

import java.math.BigDecimal;

/** Revenue per author, as the database sums it up. */
public class AuthorRevenue {
    private Long authorId;
    private String authorName;
    private BigDecimal revenue;

    public Long getAuthorId() {
        return authorId;
    }

    public void setAuthorId(Long authorId) {
        this.authorId = authorId;
    }

    public String getAuthorName() {
        return authorName;
    }

    public void setAuthorName(String authorName) {
        this.authorName = authorName;
    }

    public BigDecimal getRevenue() {
        return revenue;
    }

    public void setRevenue(BigDecimal revenue) {
        this.revenue = revenue;
    }
}
