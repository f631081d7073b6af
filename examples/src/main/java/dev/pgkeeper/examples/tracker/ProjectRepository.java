package dev.pgkeeper.examples.tracker;

import dev.pgkeeper.mybatis.BaseRepository;
import dev.pgkeeper.mybatis.MyBatisClient;
import java.util.Optional;

/** Projects. */
public final class ProjectRepository extends BaseRepository<ProjectMapper> {

    public ProjectRepository(MyBatisClient client) {
        super(client, ProjectMapper.class);
    }

    /** Inserts {@code project} and fills in its id and creation time. */
    public Project add(Project project) {
        mapper().insert(project);
        return project;
    }

    public Optional<Project> find(long id) {
        return Optional.ofNullable(mapper().findById(id));
    }

    /** The project, locked until the surrounding transaction ends. */
    public Optional<Project> lock(long id) {
        return Optional.ofNullable(mapper().lockById(id));
    }

    public void adjustOpenTasks(long id, int delta) {
        mapper().adjustOpenTasks(id, delta);
    }
}
