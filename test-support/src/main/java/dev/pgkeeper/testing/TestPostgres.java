package dev.pgkeeper.testing;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The PostgreSQL server shared by a test run: the server named by the environment variable
 * {@code TEST_DATABASE_URL} when it is set, otherwise an embedded PostgreSQL 18 started on first use
 * and stopped when the JVM exits.
 *
 * <p>{@code TEST_DATABASE_URL} takes the libpq form ({@code postgresql://postgres@127.0.0.1:5432/postgres})
 * or the JDBC form ({@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}); its role must be
 * allowed to create databases and roles. Tests that break a server never use this one: they start a
 * {@link PrivateServer}.
 */
public final class TestPostgres {

    /** Environment variable that points the tests at an external server. */
    public static final String ENVIRONMENT_VARIABLE = "TEST_DATABASE_URL";

    private static volatile PostgresServer shared;

    private TestPostgres() {
    }

    /** The shared server, started on first call. Thread-safe. */
    public static PostgresServer server() {
        PostgresServer s = shared;
        if (s == null) {
            synchronized (TestPostgres.class) {
                s = shared;
                if (s == null) {
                    String url = System.getenv(ENVIRONMENT_VARIABLE);
                    s = url == null || url.isBlank() ? PrivateServer.start(Map.of()) : external(url);
                    shared = s;
                }
            }
        }
        return s;
    }

    /** Whether the shared server is external ({@code TEST_DATABASE_URL} is set). */
    public static boolean isExternal() {
        String url = System.getenv(ENVIRONMENT_VARIABLE);
        return url != null && !url.isBlank();
    }

    private static PostgresServer external(String url) {
        String text = url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url;
        URI uri = URI.create(text);
        Map<String, String> query = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(pair.substring(0, eq), decode(pair.substring(eq + 1)));
                }
            }
        }
        String user = "postgres";
        String password = query.get("password");
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : password;
        } else if (query.containsKey("user")) {
            user = query.get("user");
        }
        String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost().replace("[", "").replace("]", "");
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        return new ExternalServer(host, port, user, password);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private record ExternalServer(String host, int port, String user, String password) implements PostgresServer {
        @Override
        public TestDatabase admin(String database) {
            return new TestDatabase(host, port, database, user, password);
        }
    }
}
