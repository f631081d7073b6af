/**
 * Runnable programs: {@link dev.pgkeeper.examples.QuickStart} (connect, migrate, use, report health),
 * {@link dev.pgkeeper.examples.ResilienceDemo} (what pgkeeper does when PostgreSQL misbehaves) and
 * {@link dev.pgkeeper.examples.HealthServer} (the task tracker's HTTP API until Ctrl-C).
 */
package dev.pgkeeper.examples;
