/**
 * Several servers: probing every host of a URL at once ({@link dev.pgkeeper.internal.hosts.HostProbes}), what
 * was last measured about each ({@link dev.pgkeeper.internal.hosts.HostBoard}), and read routing to standbys
 * within the lag bound ({@link dev.pgkeeper.internal.hosts.ReadRouter}).
 */
package dev.pgkeeper.internal.hosts;
