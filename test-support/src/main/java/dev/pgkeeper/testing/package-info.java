/**
 * PostgreSQL fixtures for pgkeeper's own tests: one embedded PostgreSQL 18 per test run (or the
 * server named by {@code TEST_DATABASE_URL}), a fresh database per test class through
 * {@link dev.pgkeeper.testing.PostgresExtension}, and {@link dev.pgkeeper.testing.PrivateServer}s that
 * fault tests may stop, restart and kill. This package is test infrastructure, not API.
 */
package dev.pgkeeper.testing;
