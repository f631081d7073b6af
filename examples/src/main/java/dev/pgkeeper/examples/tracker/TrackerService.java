package dev.pgkeeper.examples.tracker;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.mybatis.MyBatisClient;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The tracker's business rules. Every change that touches two tables runs in one transaction, so a project's
 * count of open tasks always matches its tasks; adding a task locks the project row, so concurrent adds
 * cannot both pass the limit. Thread-safe.
 */
public final class TrackerService {

    /** A project may hold at most this many open tasks. */
    public static final int MAX_OPEN_TASKS = 100;
    /** Pages beyond this are refused: nobody pages that far, and the offset stays small. */
    public static final int MAX_PAGE = 10_000;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private final MyBatisClient client;
    private final UserRepository users;
    private final ProjectRepository projects;
    private final TaskRepository tasks;

    public TrackerService(MyBatisClient client) {
        this.client = client;
        this.users = new UserRepository(client);
        this.projects = new ProjectRepository(client);
        this.tasks = new TaskRepository(client);
    }

    /** Registers a user; e-mail addresses are unique. */
    public User register(String email, String name) {
        require(email != null && EMAIL.matcher(email).matches() && text(email), "email must look like name@example.com");
        require(name != null && !name.isBlank() && name.length() <= 100 && text(name), "name must have 1 to 100 characters");
        try {
            return users.add(new User(email.trim().toLowerCase(Locale.ROOT), name.trim()));
        } catch (DatabaseError e) {
            throw conflictIf(e, ErrorCode.UNIQUE_VIOLATION, "a user with e-mail " + email + " already exists");
        }
    }

    /** The user, or NOT_FOUND. */
    public User user(long id) {
        return users.find(id).orElseThrow(() -> TrackerException.notFound("user", id));
    }

    /** Creates a project; a user's project names are unique. */
    public Project createProject(long ownerId, String name) {
        require(name != null && !name.isBlank() && name.length() <= 100 && text(name), "name must have 1 to 100 characters");
        return client.inTransaction(() -> {
            user(ownerId);
            try {
                return projects.add(new Project(ownerId, name.trim()));
            } catch (DatabaseError e) {
                throw conflictIf(e, ErrorCode.UNIQUE_VIOLATION, "user " + ownerId + " already has a project named " + name);
            }
        });
    }

    /** The project, or NOT_FOUND. */
    public Project project(long id) {
        return projects.find(id).orElseThrow(() -> TrackerException.notFound("project", id));
    }

    /**
     * Adds a task to a project, assigned to an existing user or to nobody. A project holds at most
     * {@value #MAX_OPEN_TASKS} open tasks. The task and the project's counter change together.
     */
    public Task addTask(long projectId, String title, Long assigneeId) {
        require(title != null && !title.isBlank() && title.length() <= 200 && text(title),
                "title must have 1 to 200 characters");
        return client.inTransaction(() -> {
            Project project = projects.lock(projectId).orElseThrow(() -> TrackerException.notFound("project", projectId));
            if (assigneeId != null) {
                user(assigneeId);
            }
            if (project.getOpenTasks() >= MAX_OPEN_TASKS) {
                throw new TrackerException(TrackerException.Reason.CONFLICT, "project " + projectId + " already has "
                        + MAX_OPEN_TASKS + " open tasks; complete some first");
            }
            Task task = tasks.add(new Task(projectId, title.trim(), assigneeId));
            projects.adjustOpenTasks(projectId, 1);
            return task;
        });
    }

    /** Completes an open task and lowers its project's count of open tasks, together. */
    public Task completeTask(long taskId) {
        return client.inTransaction(() -> {
            Task task = tasks.find(taskId).orElseThrow(() -> TrackerException.notFound("task", taskId));
            if (!tasks.complete(taskId)) {
                throw new TrackerException(TrackerException.Reason.CONFLICT, "task " + taskId + " is already done");
            }
            projects.adjustOpenTasks(task.getProjectId(), -1);
            return tasks.find(taskId).orElseThrow();
        });
    }

    /** A page of a project's tasks. */
    public List<Task> tasks(long projectId, Task.Status status, int page, int size) {
        require(page >= 0 && page <= MAX_PAGE, "page must be between 0 and " + MAX_PAGE);
        require(size >= 1 && size <= 100, "size must be between 1 and 100");
        project(projectId);
        return tasks.ofProject(projectId, status, page, size);
    }

    /** PostgreSQL text cannot hold NUL characters. */
    private static boolean text(String s) {
        return s.indexOf('\u0000') < 0;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new TrackerException(TrackerException.Reason.INVALID, message);
        }
    }

    private static RuntimeException conflictIf(DatabaseError e, ErrorCode code, String message) {
        return e.code() == code ? new TrackerException(TrackerException.Reason.CONFLICT, message) : e;
    }
}
