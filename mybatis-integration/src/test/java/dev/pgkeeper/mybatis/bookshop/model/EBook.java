package dev.pgkeeper.mybatis.bookshop.model;

import java.math.BigDecimal;

/** An e-book: the catalog's discriminator picks this class for {@code format = 'EBOOK'}. */
public class EBook extends Book {
    private BigDecimal downloadMb;

    public BigDecimal getDownloadMb() {
        return downloadMb;
    }

    public void setDownloadMb(BigDecimal downloadMb) {
        this.downloadMb = downloadMb;
    }
}
