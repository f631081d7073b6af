package dev.pgkeeper.examples.tracker;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/** Projects, as an annotation mapper. */
public interface ProjectMapper {

    @Insert("INSERT INTO projects (owner_id, name) VALUES (#{ownerId}, #{name})")
    @Options(useGeneratedKeys = true, keyProperty = "id,createdAt", keyColumn = "id,created_at")
    int insert(Project project);

    @Select("SELECT id, owner_id, name, open_tasks, created_at FROM projects WHERE id = #{id}")
    Project findById(long id);

    /** Locks the project row for the rest of the transaction, so rules on its counters hold. */
    @Select("SELECT id, owner_id, name, open_tasks, created_at FROM projects WHERE id = #{id} FOR UPDATE")
    Project lockById(long id);

    @Update("UPDATE projects SET open_tasks = open_tasks + #{delta} WHERE id = #{id}")
    int adjustOpenTasks(@Param("id") long id, @Param("delta") int delta);
}
