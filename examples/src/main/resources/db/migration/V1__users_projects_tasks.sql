-- The task tracker's schema: users own projects, projects hold tasks.
CREATE TABLE users (
    id         bigserial PRIMARY KEY,
    email      text        NOT NULL UNIQUE,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE projects (
    id         bigserial PRIMARY KEY,
    owner_id   bigint      NOT NULL REFERENCES users (id),
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    open_tasks int         NOT NULL DEFAULT 0 CHECK (open_tasks >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT projects_owner_name_key UNIQUE (owner_id, name)
);

CREATE TABLE tasks (
    id           bigserial PRIMARY KEY,
    project_id   bigint      NOT NULL REFERENCES projects (id),
    title        text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    assignee_id  bigint      REFERENCES users (id),
    status       text        NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'DONE')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz
);
