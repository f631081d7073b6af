/**
 * Runnable programs that show pgkeeper at work. (Work in progress: see the project's issues.)
 */
package dev.pgkeeper.examples;
