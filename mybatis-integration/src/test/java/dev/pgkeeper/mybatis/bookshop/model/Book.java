package dev.pgkeeper.mybatis.bookshop.model;

import java.math.BigDecimal;
import java.util.List;

/**
 * A row of {@code books}. {@code version} is the optimistic-locking counter: every update checks and
 * increments it. The catalog's discriminator maps a row to {@link PrintedBook} or {@link EBook}.
 */
public class Book {
    private Long id;
    private Long authorId;
    private String title;
    private String isbn;
    private BigDecimal price;
    private String format = "PAPERBACK";
    private int version;
    private Author author;
    private List<Tag> tags;

    public Book() {
    }

    public Book(long authorId, String title, String isbn, BigDecimal price) {
        this.authorId = authorId;
        this.title = title;
        this.isbn = isbn;
        this.price = price;
    }

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public Long getAuthorId() {
        return authorId;
    }

    public void setAuthorId(Long authorId) {
        this.authorId = authorId;
    }

    public String getTitle() {
        return title;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    public String getIsbn() {
        return isbn;
    }

    public void setIsbn(String isbn) {
        this.isbn = isbn;
    }

    public BigDecimal getPrice() {
        return price;
    }

    public void setPrice(BigDecimal price) {
        this.price = price;
    }

    public String getFormat() {
        return format;
    }

    public void setFormat(String format) {
        this.format = format;
    }

    public int getVersion() {
        return version;
    }

    public void setVersion(int version) {
        this.version = version;
    }

    public Author getAuthor() {
        return author;
    }

    public void setAuthor(Author author) {
        this.author = author;
    }

    public List<Tag> getTags() {
        return tags;
    }

    public void setTags(List<Tag> tags) {
        this.tags = tags;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + id + ", " + title + ", v" + version + "]";
    }
}
