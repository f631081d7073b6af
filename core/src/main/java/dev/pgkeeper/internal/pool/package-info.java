/**
 * HikariCP pools and the direct connections around them: a pool generation that can release the threads
 * waiting in it, retirement of replaced pools, the probe that asks the server directly and says which server
 * answered, and the hand-over of a probe's connection to the next pool. Not API: may change in any release.
 */
package dev.pgkeeper.internal.pool;
