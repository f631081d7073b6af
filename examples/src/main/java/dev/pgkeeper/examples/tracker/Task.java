package dev.pgkeeper.examples.tracker;

import java.time.OffsetDateTime;

/** A task in a project, OPEN until it is completed (DONE). */
public class Task {

    /** Where a task stands. */
    public enum Status { OPEN, DONE }

    private Long id;
    private long projectId;
    private String title;
    private Long assigneeId;
    private Status status = Status.OPEN;
    private OffsetDateTime createdAt;
    private OffsetDateTime completedAt;

    public Task() {
    }

    public Task(long projectId, String title, Long assigneeId) {
        this.projectId = projectId;
        this.title = title;
        this.assigneeId = assigneeId;
    }

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public long getProjectId() {
        return projectId;
    }

    public void setProjectId(long projectId) {
        this.projectId = projectId;
    }

    public String getTitle() {
        return title;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    public Long getAssigneeId() {
        return assigneeId;
    }

    public void setAssigneeId(Long assigneeId) {
        this.assigneeId = assigneeId;
    }

    public Status getStatus() {
        return status;
    }

    public void setStatus(Status status) {
        this.status = status;
    }

    public OffsetDateTime getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(OffsetDateTime createdAt) {
        this.createdAt = createdAt;
    }

    public OffsetDateTime getCompletedAt() {
        return completedAt;
    }

    public void setCompletedAt(OffsetDateTime completedAt) {
        this.completedAt = completedAt;
    }
}
