/**
 * The machinery of pgkeeper-flyway (translation of Flyway's exceptions). Not part of the API: it may change in
 * any release, and the module does not export it.
 */
package dev.pgkeeper.flyway.internal;
