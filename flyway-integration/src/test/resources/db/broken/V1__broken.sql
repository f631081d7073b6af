-- A migration with a mistake in it, for the test of failed migrations.
CREATE TABLE will_fail (id bigserial PRIMARY KEY, name text NOT NULL,);
