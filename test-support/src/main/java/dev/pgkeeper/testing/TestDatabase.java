package dev.pgkeeper.testing;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;

/**
 * Where a test's database lives and who may log in to it.
 *
 * @param host     host name or address, without brackets
 * @param port     TCP port
 * @param database database name
 * @param user     role to log in as
 * @param password password of {@code user}, or {@code null} when the server trusts the role
 */
public record TestDatabase(String host, int port, String database, String user, String password) {

    public TestDatabase {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
    }

    /** The same server and database, logged in as another role. */
    public TestDatabase as(String otherUser, String otherPassword) {
        return new TestDatabase(host, port, database, otherUser, otherPassword);
    }

    /** libpq URI form, {@code postgresql://user[:password]@host:port/database}, percent-encoded. */
    public String url() {
        String userInfo = encode(user) + (password == null ? "" : ":" + encode(password));
        return "postgresql://" + userInfo + "@" + hostForUrl() + ":" + port + "/" + encode(database);
    }

    /** JDBC form without credentials, {@code jdbc:postgresql://host:port/database}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + hostForUrl() + ":" + port + "/" + encode(database);
    }

    /** Opens a plain pgjdbc connection (no pool, no pgkeeper); the caller closes it. */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "5");
        props.setProperty("loginTimeout", "10");
        return DriverManager.getConnection(jdbcUrl(), props);
    }

    private String hostForUrl() {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return "TestDatabase[" + user + "@" + host + ":" + port + "/" + database + "]";
    }
}
