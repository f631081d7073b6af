/**
 * pgkeeper's machinery, grouped by concern; nothing here is API, and everything may change in any release
 * without notice (use the types in {@link dev.pgkeeper} instead):
 * <ul>
 *   <li>{@code internal.lifecycle}: the state machine, the lender, the watcher, the retry schedule and the
 *       sessions they work in;</li>
 *   <li>{@code internal.pool}: HikariCP pools, their retirement, probes and the hand-over of a probe's
 *       connection;</li>
 *   <li>{@code internal.health}: bounded health checks;</li>
 *   <li>{@code internal.config}: configuration checks and what the driver is given;</li>
 *   <li>{@code internal.url}: URL parsing, validation and password masking;</li>
 *   <li>{@code internal.errors}: error classification and troubleshooting steps.</li>
 * </ul>
 */
package dev.pgkeeper.internal;
