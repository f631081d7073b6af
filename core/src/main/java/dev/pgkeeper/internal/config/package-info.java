/**
 * Configuration: collecting every problem of a {@link dev.pgkeeper.DatabaseConfig} into one error, and
 * turning a validated configuration into what pgjdbc is given (the URL without credentials, connection
 * properties and derived timeouts).
 *
 * <p>Not API: nothing here is exported, and any of it may change in any release without notice. Use
 * {@link dev.pgkeeper.DatabaseConfig} instead.
 */
package dev.pgkeeper.internal.config;
