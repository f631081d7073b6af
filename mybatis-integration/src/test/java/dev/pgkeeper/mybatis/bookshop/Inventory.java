package dev.pgkeeper.mybatis.bookshop;

import dev.pgkeeper.mybatis.BaseRepository;
import dev.pgkeeper.mybatis.MyBatisClient;

/** Copies in stock. */
public final class Inventory extends BaseRepository<StockMapper> {

    public Inventory(MyBatisClient client) {
        super(client, StockMapper.class);
    }

    public void stock(long bookId, int copies) {
        mapper().set(bookId, copies);
    }

    /** Copies of the book in stock; 0 when it was never stocked. */
    public int copies(long bookId) {
        Integer copies = mapper().quantityOf(bookId);
        return copies == null ? 0 : copies;
    }

    /** @throws OutOfStockException when fewer than {@code copies} are in stock (and takes none) */
    public void take(long bookId, int copies) {
        if (mapper().take(bookId, copies) == 0) {
            throw new OutOfStockException(bookId, copies);
        }
    }
}
