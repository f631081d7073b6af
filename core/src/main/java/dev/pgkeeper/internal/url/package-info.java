/**
 * Database URLs: reading {@code postgresql://}, {@code postgres://} and {@code jdbc:postgresql://} URLs into
 * their parts (hosts, database, credentials, parameters), percent-encoding, what the query parameters
 * mean to pgjdbc, the messages about a bad URL, and {@link dev.pgkeeper.internal.url.SecretMasker}, the one
 * place that masks passwords in URLs and other text.
 *
 * <p>Not API: nothing here is exported, and any of it may change in any release without notice. Use
 * {@link dev.pgkeeper.DatabaseUrls} and {@link dev.pgkeeper.DatabaseConfig} instead.
 */
package dev.pgkeeper.internal.url;
