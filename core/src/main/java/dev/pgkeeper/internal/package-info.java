/**
 * pgkeeper's machinery. This package holds the connection lifecycle (state, pools, probes, the reconnect
 * loop, health checks); the rest is grouped by concern in {@link dev.pgkeeper.internal.url},
 * {@link dev.pgkeeper.internal.errors} and {@link dev.pgkeeper.internal.config}. Everything here may change
 * in any release without notice; use the types in {@link dev.pgkeeper} instead.
 */
package dev.pgkeeper.internal;
