/**
 * Micrometer meters for a pgkeeper {@link dev.pgkeeper.ConnectionManager}: bind a
 * {@link dev.pgkeeper.micrometer.ConnectionManagerMetrics} to a {@code MeterRegistry}. The meters are listed in
 * {@link dev.pgkeeper.micrometer.ConnectionManagerMetrics} and in {@code docs/METRICS.md}.
 */
package dev.pgkeeper.micrometer;
