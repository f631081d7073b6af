package dev.pgkeeper.mybatis.bookshop;

import dev.pgkeeper.mybatis.bookshop.model.Tag;
import java.util.List;
import org.apache.ibatis.annotations.Param;

/** bookshop/TagMapper.xml, with a second-level cache. */
public interface TagMapper {
    List<Tag> all();

    /** The id of the tag called {@code name}, inserted if new ({@code INSERT ... RETURNING}). */
    long ensure(String name);

    int rename(@Param("id") long id, @Param("name") String name);
}
