package dev.pgkeeper.examples.tracker;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Select;

/** Users, as an annotation mapper. Values are bound with #{}, never spliced. */
public interface UserMapper {

    @Insert("INSERT INTO users (email, name) VALUES (#{email}, #{name})")
    @Options(useGeneratedKeys = true, keyProperty = "id,createdAt", keyColumn = "id,created_at")
    int insert(User user);

    @Select("SELECT id, email, name, created_at FROM users WHERE id = #{id}")
    User findById(long id);
}
