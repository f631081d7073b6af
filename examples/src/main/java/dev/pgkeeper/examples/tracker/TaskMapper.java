package dev.pgkeeper.examples.tracker;

import java.util.List;
import org.apache.ibatis.annotations.Param;

/** Tasks, backed by the XML mapper {@code mappers/TaskMapper.xml}. */
public interface TaskMapper {

    int insert(Task task);

    Task findById(long id);

    List<Task> listByProject(@Param("projectId") long projectId, @Param("status") Task.Status status,
                             @Param("limit") int limit, @Param("offset") long offset);

    /** Marks an OPEN task DONE; returns 0 when it was not OPEN. */
    int complete(long id);
}
