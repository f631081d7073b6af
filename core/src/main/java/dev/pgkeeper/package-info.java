/**
 * pgkeeper's API: {@link dev.pgkeeper.ConnectionManager} and its configuration, results and errors.
 * Everything a user may touch is in this package; {@code dev.pgkeeper.internal} may change at any time.
 */
package dev.pgkeeper;
