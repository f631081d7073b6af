package dev.pgkeeper.examples.tracker;

import java.time.OffsetDateTime;

/** A project: a named list of tasks owned by a user. */
public class Project {
    private Long id;
    private long ownerId;
    private String name;
    private int openTasks;
    private OffsetDateTime createdAt;

    public Project() {
    }

    public Project(long ownerId, String name) {
        this.ownerId = ownerId;
        this.name = name;
    }

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public long getOwnerId() {
        return ownerId;
    }

    public void setOwnerId(long ownerId) {
        this.ownerId = ownerId;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public int getOpenTasks() {
        return openTasks;
    }

    public void setOpenTasks(int openTasks) {
        this.openTasks = openTasks;
    }

    public OffsetDateTime getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(OffsetDateTime createdAt) {
        this.createdAt = createdAt;
    }
}
