CREATE TABLE flyway_it_items (id bigserial PRIMARY KEY, name text NOT NULL);
