package dev.pgkeeper.mybatis.bookshop.model;

import java.time.LocalDate;
import java.util.List;

/** A row of {@code authors}; {@link #getBooks()} is a lazily loaded nested select. */
public class Author {
    private Long id;
    private String name;
    private String country;
    private LocalDate born;
    private List<Book> books;

    public Author() {
    }

    public Author(String name, String country, LocalDate born) {
        this.name = name;
        this.country = country;
        this.born = born;
    }

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getCountry() {
        return country;
    }

    public void setCountry(String country) {
        this.country = country;
    }

    public LocalDate getBorn() {
        return born;
    }

    public void setBorn(LocalDate born) {
        this.born = born;
    }

    public List<Book> getBooks() {
        return books;
    }

    public void setBooks(List<Book> books) {
        this.books = books;
    }

    @Override
    public String toString() {
        return "Author[" + id + ", " + name + "]";
    }
}
