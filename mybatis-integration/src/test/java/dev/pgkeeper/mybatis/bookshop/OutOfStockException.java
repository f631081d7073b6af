package dev.pgkeeper.mybatis.bookshop;

/** An order line asked for more copies than are in stock. */
public final class OutOfStockException extends RuntimeException {
    private final long bookId;

    public OutOfStockException(long bookId, int wanted) {
        super("Book " + bookId + " is out of stock: " + wanted + " wanted");
        this.bookId = bookId;
    }

    public long bookId() {
        return bookId;
    }
}
