package dev.pgkeeper.faults;

import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.TcpProxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Two independent private servers (separate {@code initdb}, so different system identifiers) behind one
 * round-robin {@link TcpProxy}: one address, and every new connection lands on the other server than the one
 * before. Closes the proxy and both servers.
 */
final class TwoServers implements AutoCloseable {

    final PrivateServer a;
    final PrivateServer b;
    final TcpProxy proxy;

    private TwoServers(PrivateServer a, PrivateServer b, TcpProxy proxy) {
        this.a = a;
        this.b = b;
        this.proxy = proxy;
    }

    static TwoServers start() {
        PrivateServer a = PrivateServer.startNew();
        PrivateServer b = null;
        try {
            b = PrivateServer.startNew();
            return new TwoServers(a, b, TcpProxy.roundRobin(a, b));
        } catch (RuntimeException e) {
            a.close();
            if (b != null) {
                b.close();
            }
            throw e;
        }
    }

    /** The one address both servers are behind. */
    String url() {
        return LifecycleConfig.url(proxy.host(), proxy.port());
    }

    static long systemIdentifier(PrivateServer server) throws SQLException {
        try (Connection c = server.admin("postgres").connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT system_identifier FROM pg_control_system()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void execute(PrivateServer server, String sql) throws SQLException {
        try (Connection c = server.admin("postgres").connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The port of the server that {@code c} is connected to, as that server sees it. */
    static int serverPort(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT inet_server_port()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Override
    public void close() {
        proxy.close();
        a.close();
        b.close();
    }
}
