package dev.pgkeeper.mybatis.bookshop;

import dev.pgkeeper.mybatis.BaseRepository;
import dev.pgkeeper.mybatis.MyBatisClient;
import dev.pgkeeper.mybatis.bookshop.model.Tag;
import java.util.List;

/** Tags, read through TagMapper's second-level cache. */
public final class TagRepository extends BaseRepository<TagMapper> {

    public TagRepository(MyBatisClient client) {
        super(client, TagMapper.class);
    }

    public List<Tag> all() {
        return mapper().all();
    }

    /** The id of the tag called {@code name}, created if there is none. */
    public long ensure(String name) {
        return mapper().ensure(name);
    }

    public void rename(long id, String name) {
        mapper().rename(id, name);
    }
}
