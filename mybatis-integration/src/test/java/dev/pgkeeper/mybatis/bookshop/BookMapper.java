package dev.pgkeeper.mybatis.bookshop;

import dev.pgkeeper.mybatis.bookshop.model.Book;
import dev.pgkeeper.mybatis.bookshop.model.BookQuery;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.ibatis.annotations.MapKey;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.session.RowBounds;

/** bookshop/BookMapper.xml. */
public interface BookMapper {
    Book findById(long id);

    /** The book with its author and tags, from one joined query. */
    Book findDetail(long id);

    List<Book> byAuthor(long authorId);

    List<Book> byIds(@Param("ids") Collection<Long> ids);

    @MapKey("id")
    Map<Long, Book> byIdsAsMap(@Param("ids") Collection<Long> ids);

    List<Book> search(BookQuery query);

    List<Book> catalog(RowBounds page);

    List<Book> catalogPage(@Param("limit") int limit, @Param("offset") int offset);

    /** Every book as a {@code PrintedBook} or an {@code EBook}, by the discriminator on {@code format}. */
    List<Book> catalogEntries();

    int insert(Book book);

    /** Changes title and/or price if the row still has {@code book.getVersion()}; returns the rows changed. */
    int updateGuarded(Book book);

    int tag(@Param("bookId") long bookId, @Param("tagIds") Collection<Long> tagIds);

    long count();
}
