package dev.pgkeeper.mybatis.bookshop.model;

import java.math.BigDecimal;
import java.util.List;

/**
 * The catalog's search form: every criterion is optional ({@code null} or empty means "any"), and the sort
 * order is one of a fixed set, chosen in the mapper with {@code <choose>} (never spliced from text).
 */
public class BookQuery {

    /** The orders the catalog can be sorted in. */
    public enum Sort { ID, TITLE, PRICE_DESC }

    private String titleLike;
    private Long authorId;
    private BigDecimal maxPrice;
    private List<String> anyTag;
    private Sort sort = Sort.ID;

    public static BookQuery any() {
        return new BookQuery();
    }

    public BookQuery titleLike(String pattern) {
        this.titleLike = pattern;
        return this;
    }

    public BookQuery author(long id) {
        this.authorId = id;
        return this;
    }

    public BookQuery maxPrice(String price) {
        this.maxPrice = new BigDecimal(price);
        return this;
    }

    public BookQuery anyTag(String... tags) {
        this.anyTag = List.of(tags);
        return this;
    }

    public BookQuery sortBy(Sort order) {
        this.sort = order;
        return this;
    }

    public String getTitleLike() {
        return titleLike;
    }

    public Long getAuthorId() {
        return authorId;
    }

    public BigDecimal getMaxPrice() {
        return maxPrice;
    }

    public List<String> getAnyTag() {
        return anyTag;
    }

    public Sort getSort() {
        return sort;
    }
}
