/** Bounded health checks through the manager's own pool. Not API: may change in any release. */
package dev.pgkeeper.internal.health;
