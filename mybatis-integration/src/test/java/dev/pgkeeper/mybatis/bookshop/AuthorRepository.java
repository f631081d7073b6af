package dev.pgkeeper.mybatis.bookshop;

import dev.pgkeeper.mybatis.BaseRepository;
import dev.pgkeeper.mybatis.MyBatisClient;
import dev.pgkeeper.mybatis.bookshop.model.Author;
import java.util.List;
import java.util.Optional;

/** Authors. */
public final class AuthorRepository extends BaseRepository<AuthorMapper> {

    public AuthorRepository(MyBatisClient client) {
        super(client, AuthorMapper.class);
    }

    public long add(Author author) {
        mapper().insert(author);
        return author.getId();
    }

    /** Adds every author in one statement; returns their new ids, in order. */
    public List<Long> addAll(List<Author> authors) {
        mapper().insertAll(authors);
        return authors.stream().map(Author::getId).toList();
    }

    /** The author; the books are read from the database when {@link Author#getBooks()} is first called. */
    public Optional<Author> find(long id) {
        return Optional.ofNullable(mapper().findById(id));
    }
}
