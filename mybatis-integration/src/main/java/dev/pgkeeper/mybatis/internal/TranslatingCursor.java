package dev.pgkeeper.mybatis.internal;

import java.io.IOException;
import java.util.Iterator;
import java.util.function.UnaryOperator;
import org.apache.ibatis.cursor.Cursor;

/**
 * A MyBatis {@link Cursor} whose failures while reading (the connection lost between two fetches, say) reach
 * the caller translated, as the statement's failures do. Not thread-safe, as the cursor it wraps.
 */
final class TranslatingCursor<T> implements Cursor<T> {

    private final Cursor<T> cursor;
    private final UnaryOperator<RuntimeException> translate;

    TranslatingCursor(Cursor<T> cursor, UnaryOperator<RuntimeException> translate) {
        this.cursor = cursor;
        this.translate = translate;
    }

    @Override
    public boolean isOpen() {
        return cursor.isOpen();
    }

    @Override
    public boolean isConsumed() {
        return cursor.isConsumed();
    }

    @Override
    public int getCurrentIndex() {
        return cursor.getCurrentIndex();
    }

    @Override
    public Iterator<T> iterator() {
        Iterator<T> rows = cursor.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                try {
                    return rows.hasNext();
                } catch (RuntimeException e) {
                    throw translate.apply(e);
                }
            }

            @Override
            public T next() {
                try {
                    return rows.next();
                } catch (RuntimeException e) {
                    throw translate.apply(e);
                }
            }
        };
    }

    @Override
    public void close() throws IOException {
        try {
            cursor.close();
        } catch (RuntimeException e) {
            throw translate.apply(e);
        }
    }
}
