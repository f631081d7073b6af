package dev.pgkeeper.examples.tracker;

import dev.pgkeeper.mybatis.BaseRepository;
import dev.pgkeeper.mybatis.MyBatisClient;
import java.util.Optional;

/** Users. */
public final class UserRepository extends BaseRepository<UserMapper> {

    public UserRepository(MyBatisClient client) {
        super(client, UserMapper.class);
    }

    /** Inserts {@code user} and fills in its id and creation time. */
    public User add(User user) {
        mapper().insert(user);
        return user;
    }

    public Optional<User> find(long id) {
        return Optional.ofNullable(mapper().findById(id));
    }
}
