package dev.pgkeeper.mybatis.bookshop.model;

/** A paperback: the catalog's discriminator picks this class for {@code format = 'PAPERBACK'}. */
public class PrintedBook extends Book {
    private Integer pages;

    public Integer getPages() {
        return pages;
    }

    public void setPages(Integer pages) {
        this.pages = pages;
    }
}
