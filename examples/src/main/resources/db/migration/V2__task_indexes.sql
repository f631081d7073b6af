-- Listing a project's tasks by status is the hot query.
CREATE INDEX tasks_project_status_id ON tasks (project_id, status, id);
CREATE INDEX tasks_assignee ON tasks (assignee_id) WHERE assignee_id IS NOT NULL;
