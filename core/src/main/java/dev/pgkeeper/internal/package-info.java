/**
 * pgkeeper's machinery: URL parsing, driver and pool settings, error rules, the reconnect loop and
 * health checks. Everything here may change in any release without notice; use the types in
 * {@link dev.pgkeeper} instead.
 */
package dev.pgkeeper.internal;
