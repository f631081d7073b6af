package dev.pgkeeper.mybatis.bookshop;

import dev.pgkeeper.mybatis.BaseRepository;
import dev.pgkeeper.mybatis.MyBatisClient;
import dev.pgkeeper.mybatis.TransactionOptions;
import dev.pgkeeper.mybatis.bookshop.model.Book;
import dev.pgkeeper.mybatis.bookshop.model.BookQuery;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.ibatis.executor.BatchResult;
import org.apache.ibatis.session.RowBounds;

/** The books on sale. */
public final class CatalogRepository extends BaseRepository<BookMapper> {

    public CatalogRepository(MyBatisClient client) {
        super(client, BookMapper.class);
    }

    public long add(Book book) {
        mapper().insert(book);
        return book.getId();
    }

    public Optional<Book> find(long id) {
        return Optional.ofNullable(mapper().findById(id));
    }

    /** The book with its author and tags. */
    public Book detail(long id) {
        return mapper().findDetail(id);
    }

    public List<Book> byIds(Collection<Long> ids) {
        return mapper().byIds(ids);
    }

    public Map<Long, Book> byIdsAsMap(Collection<Long> ids) {
        return mapper().byIdsAsMap(ids);
    }

    public List<Book> search(BookQuery query) {
        return mapper().search(query);
    }

    /** Page {@code page} (from 0) of the catalog sorted by title, paged by MyBatis ({@link RowBounds}). */
    public List<Book> page(int page, int size) {
        return mapper().catalog(new RowBounds(page * size, size));
    }

    /** The same page, paged by the database ({@code LIMIT}/{@code OFFSET}). */
    public List<Book> pageInSql(int page, int size) {
        return mapper().catalogPage(size, page * size);
    }

    public List<Book> catalogEntries() {
        return mapper().catalogEntries();
    }

    /**
     * Saves the title and price of {@code edited}, which must carry the version that was read.
     *
     * @return the new version
     * @throws StaleBookException when the book changed since that version was read
     */
    public int update(Book edited) {
        if (mapper().updateGuarded(edited) == 0) {
            throw new StaleBookException(edited.getId(), edited.getVersion());
        }
        return edited.getVersion() + 1;
    }

    public void tag(long bookId, Collection<Long> tagIds) {
        mapper().tag(bookId, tagIds);
    }

    public long count() {
        return mapper().count();
    }

    /**
     * Inserts {@code books} with the batch executor in one transaction, sending a batch every
     * {@code flushEvery} rows; nothing is inserted if any row fails. Each book gets its id when its batch is sent.
     */
    public ImportReport importBooks(List<? extends Book> books, int flushEvery) {
        return client().inTransaction(TransactionOptions.defaults().batch(), () -> {
            List<List<BatchResult>> flushes = new ArrayList<>();
            int rows = 0;
            for (Book book : books) {
                mapper().insert(book);
                if (++rows % flushEvery == 0) {
                    flushes.add(client().flushStatements());
                }
            }
            if (rows % flushEvery != 0) {
                flushes.add(client().flushStatements());
            }
            return new ImportReport(rows, flushes);
        });
    }
}
