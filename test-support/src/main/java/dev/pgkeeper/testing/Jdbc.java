package dev.pgkeeper.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** Small JDBC round trips used by many tests. */
public final class Jdbc {

    private Jdbc() {
    }

    /** Borrows a connection, runs {@code SELECT 1}, returns the 1. */
    public static int selectOne(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Holds a connection busy in {@code pg_sleep(seconds)}; returns when the query ends or fails. */
    public static Void sleepInDatabase(DataSource ds, int seconds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_sleep(" + seconds + ")");
        }
        return null;
    }

    /**
     * Holds a connection from {@code ds} busy for about {@code seconds}, one-second {@code pg_sleep}s at a time,
     * so that no single statement runs into a statement or socket timeout.
     */
    public static Void holdConnection(DataSource ds, int seconds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (int i = 0; i < seconds; i++) {
                s.execute("SELECT pg_sleep(1)");
            }
        }
        return null;
    }

    /** Runs one statement through a fresh connection from {@code ds}. */
    public static void execute(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Runs a query whose first column of its first row is a number, and returns it. */
    public static long queryLong(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("No row from: " + sql);
            }
            return rs.getLong(1);
        }
    }
}
