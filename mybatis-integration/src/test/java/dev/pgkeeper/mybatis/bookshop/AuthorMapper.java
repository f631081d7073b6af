package dev.pgkeeper.mybatis.bookshop;

import dev.pgkeeper.mybatis.bookshop.model.Author;
import java.util.List;
import org.apache.ibatis.annotations.Param;

/** bookshop/AuthorMapper.xml. */
public interface AuthorMapper {
    /** The author; {@link Author#getBooks()} is loaded when first read. */
    Author findById(long id);

    int insert(Author author);

    /** One multi-row INSERT; every author gets its generated id. */
    int insertAll(@Param("authors") List<Author> authors);
}
