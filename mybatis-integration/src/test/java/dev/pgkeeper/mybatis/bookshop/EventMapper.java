package dev.pgkeeper.mybatis.bookshop;

import dev.pgkeeper.mybatis.bookshop.model.Event;
import java.util.List;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.cursor.Cursor;
import org.apache.ibatis.session.ResultHandler;

/** bookshop/EventMapper.xml. */
public interface EventMapper {
    int insert(Event event);

    /** Inserts {@code count} events in one INSERT ... SELECT, each payload {@code 32 * md5Repeats} characters. */
    int generate(@Param("count") int count, @Param("md5Repeats") int md5Repeats);

    /** Every event in id order, streamed; needs a transaction. */
    Cursor<Event> streamAll();

    List<Event> listAll();

    void scanAll(ResultHandler<Event> handler);

    void scanAllWithoutFetchSize(ResultHandler<Event> handler);

    long count();

    /** Which statement the databaseIdProvider picked: {@code "postgresql <version>"} or {@code "generic"}. */
    String databaseDescription();
}
