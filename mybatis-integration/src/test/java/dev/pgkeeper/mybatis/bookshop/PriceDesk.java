package dev.pgkeeper.mybatis.bookshop;

import dev.pgkeeper.mybatis.MyBatisClient;
import dev.pgkeeper.mybatis.bookshop.model.Book;
import java.math.BigDecimal;

/**
 * Where editors change prices: the change and its event are written in one transaction, and an editor who
 * worked on a stale copy of the book gets a {@link StaleBookException} and changes nothing.
 */
public final class PriceDesk {

    private final MyBatisClient client;
    private final CatalogRepository catalog;
    private final EventLog events;

    public PriceDesk(MyBatisClient client, CatalogRepository catalog, EventLog events) {
        this.client = client;
        this.catalog = catalog;
        this.events = events;
    }

    /**
     * Sets the price of {@code asRead} (which carries the version its editor read).
     *
     * @return the book's new version
     * @throws StaleBookException when someone else changed the book first
     */
    public int reprice(Book asRead, BigDecimal newPrice, String editor) {
        return client.inTransaction(() -> {
            Book edit = new Book();
            edit.setId(asRead.getId());
            edit.setVersion(asRead.getVersion());
            edit.setPrice(newPrice);
            int version = catalog.update(edit);
            events.record("PRICE_CHANGED", editor + " set book " + asRead.getId() + " to " + newPrice);
            return version;
        });
    }
}
