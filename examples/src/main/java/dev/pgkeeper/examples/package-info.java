/**
 * Runnable programs: {@link dev.pgkeeper.examples.QuickStart} (connect, migrate, use, report health),
 * {@link dev.pgkeeper.examples.ResilienceDemo} (what pgkeeper does when PostgreSQL misbehaves),
 * {@link dev.pgkeeper.examples.Failover} (writes and reads through a switchover on a real Patroni cluster) and
 * {@link dev.pgkeeper.examples.HealthServer} (the task tracker's HTTP API until Ctrl-C).
 */
package dev.pgkeeper.examples;
