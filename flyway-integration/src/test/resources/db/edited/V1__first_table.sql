-- Edited after it was applied: its checksum no longer matches the history.
CREATE TABLE flyway_it_items (id bigserial PRIMARY KEY, name text NOT NULL, extra int);
