ALTER TABLE flyway_it_items ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
