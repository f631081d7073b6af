/**
 * Error classification: the rules that turn any throwable into a categorized
 * {@link dev.pgkeeper.DatabaseError} (by SQLState and exception type over the whole cause chain), the
 * troubleshooting steps for each category, and the target a failure is reported against.
 *
 * <p>Not API: nothing here is exported, and any of it may change in any release without notice. Use
 * {@link dev.pgkeeper.ErrorCategorizer} instead.
 */
package dev.pgkeeper.internal.errors;
