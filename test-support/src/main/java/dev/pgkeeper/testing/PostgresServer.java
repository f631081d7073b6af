package dev.pgkeeper.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/** A PostgreSQL server the tests may create databases and roles on. */
public interface PostgresServer {

    /** Host name or address clients connect to. */
    String host();

    /** TCP port clients connect to. */
    int port();

    /** The administrative login: a superuser (or a role that may create databases) on {@code database}. */
    TestDatabase admin(String database);

    /**
     * Creates an empty database whose name starts with {@code hint} (lower-cased, non-alphanumerics
     * replaced) and is unique in this JVM, and returns an administrative login to it.
     */
    default TestDatabase createDatabase(String hint) {
        String name = Names.unique(hint);
        execute("CREATE DATABASE " + name);
        return admin(name);
    }

    /** Drops a database created by {@link #createDatabase}, closing whatever sessions still use it. */
    default void dropDatabase(String name) {
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    /**
     * Creates (or replaces the password of) a login role that authenticates with a password over TCP
     * and owns nothing; returns a login as that role on {@code database}.
     */
    default TestDatabase createLoginRole(String role, String password, String database) {
        PasswordGuard.register(password);
        String literal = "'" + password.replace("'", "''") + "'";
        try (Connection c = admin("postgres").connect(); Statement s = c.createStatement()) {
            boolean exists;
            try (var rs = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + role + "'")) {
                exists = rs.next();
            }
            s.execute((exists ? "ALTER ROLE " : "CREATE ROLE ") + role + " LOGIN PASSWORD " + literal);
            s.execute("GRANT ALL ON DATABASE " + database + " TO " + role);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create role " + role + " on " + host() + ":" + port(), e);
        }
        try (Connection c = admin(database).connect(); Statement s = c.createStatement()) {
            s.execute("GRANT ALL ON SCHEMA public TO " + role);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not grant schema rights to " + role, e);
        }
        return admin(database).as(role, password);
    }

    /** Runs one statement as the administrative login on the {@code postgres} database. */
    default void execute(String sql) {
        try (Connection c = admin("postgres").connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not run on " + host() + ":" + port() + ": " + sql, e);
        }
    }

    /** Unique, SQL-safe database names. */
    final class Names {
        private static final AtomicInteger COUNTER = new AtomicInteger();

        private Names() {
        }

        static String unique(String hint) {
            String base = hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
            if (base.length() > 40) {
                base = base.substring(base.length() - 40);
            }
            return "t_" + base + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        }
    }
}
