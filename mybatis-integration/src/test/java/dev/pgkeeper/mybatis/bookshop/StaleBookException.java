package dev.pgkeeper.mybatis.bookshop;

/** An edit of a book that someone else changed since it was read: the version no longer matches. */
public final class StaleBookException extends RuntimeException {
    private final long bookId;
    private final int readVersion;

    public StaleBookException(long bookId, int readVersion) {
        super("Book " + bookId + " was changed by someone else since version " + readVersion + " was read");
        this.bookId = bookId;
        this.readVersion = readVersion;
    }

    public long bookId() {
        return bookId;
    }

    public int readVersion() {
        return readVersion;
    }
}
