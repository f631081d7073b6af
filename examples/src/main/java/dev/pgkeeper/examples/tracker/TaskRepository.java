package dev.pgkeeper.examples.tracker;

import dev.pgkeeper.mybatis.BaseRepository;
import dev.pgkeeper.mybatis.MyBatisClient;
import java.util.List;
import java.util.Optional;

/** Tasks. */
public final class TaskRepository extends BaseRepository<TaskMapper> {

    public TaskRepository(MyBatisClient client) {
        super(client, TaskMapper.class);
    }

    /** Inserts {@code task} and fills in its id and creation time. */
    public Task add(Task task) {
        mapper().insert(task);
        return task;
    }

    public Optional<Task> find(long id) {
        return Optional.ofNullable(mapper().findById(id));
    }

    /** A page of a project's tasks, oldest first; {@code status} null for all. */
    public List<Task> ofProject(long projectId, Task.Status status, int page, int size) {
        return mapper().listByProject(projectId, status, size, (long) page * size);
    }

    /** Marks the task done; {@code false} when it was not open. */
    public boolean complete(long id) {
        return mapper().complete(id) == 1;
    }
}
