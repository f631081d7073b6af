package dev.pgkeeper.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgkeeper.testing.PgBouncerServer;
import dev.pgkeeper.testing.PgBouncerServer.PoolMode;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.PasswordGuard;
import dev.pgkeeper.testing.SeveralServersTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@link PgBouncerServer} fixture (groundwork for issue 10): plain pgjdbc through Debian's PgBouncer 1.18.
 * Two client connections take turns, 50 executions of a prepared statement each (100 in all), so that
 * PgBouncer in transaction mode hands the same server connection to both.
 */
@SeveralServersTest
class PgBouncerIT {

    private static final String USER = "bouncer_app";
    private static final String PASSWORD = "bouncer-Secret-7731";

    private static PrivateServer server;

    @BeforeAll
    static void startServer() throws SQLException {
        PasswordGuard.register(PASSWORD);
        server = PrivateServer.startNew();
        try (Connection c = server.admin("postgres").connect(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
        }
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void transactionModeRunsPreparedStatementsWithPrepareThresholdZero() throws SQLException {
        try (PgBouncerServer bouncer = PgBouncerServer.start(server.host(), server.port(), USER, PASSWORD,
                PoolMode.TRANSACTION)) {
            assertThat(runTakingTurns(bouncer, "0")).isEqualTo(100);
            bouncer.restart();
            assertThat(runTakingTurns(bouncer, "0")).as("after restart()").isEqualTo(100);
        }
    }

    @Test
    void transactionModeBreaksServerSidePreparedStatementsWithTheDefaultThreshold() {
        try (PgBouncerServer bouncer = PgBouncerServer.start(server.host(), server.port(), USER, PASSWORD,
                PoolMode.TRANSACTION)) {
            SQLException e = catchThrowableOfType(SQLException.class, () -> runTakingTurns(bouncer, null));
            assertThat((Throwable) e).as("pgjdbc's named statement S_1 meets another client's S_1 on the shared server connection")
                    .isNotNull();
            System.out.println("PGBOUNCER transaction mode, default prepareThreshold: SQLState " + e.getSQLState()
                    + ": " + e.getMessage());
            assertThat(e.getSQLState()).isEqualTo("42P05"); // duplicate_prepared_statement
        }
    }

    @Test
    void sessionModeWorksWithDefaults() throws SQLException {
        try (PgBouncerServer bouncer = PgBouncerServer.start(server.host(), server.port(), USER, PASSWORD,
                PoolMode.SESSION)) {
            assertThat(runTakingTurns(bouncer, null)).isEqualTo(100);
            assertThat(bouncer.url()).isEqualTo("postgresql://" + USER + ":" + PASSWORD + "@127.0.0.1:"
                    + bouncer.port() + "/postgres");
        }
    }

    /** Two connections, 50 executions each, alternating; returns how many succeeded. */
    private static int runTakingTurns(PgBouncerServer bouncer, String prepareThreshold) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("password", PASSWORD);
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "10");
        if (prepareThreshold != null) {
            props.setProperty("prepareThreshold", prepareThreshold);
        }
        int ok = 0;
        try (Connection a = DriverManager.getConnection(bouncer.jdbcUrl("postgres"), props);
             Connection b = DriverManager.getConnection(bouncer.jdbcUrl("postgres"), props);
             PreparedStatement pa = a.prepareStatement("SELECT ?::int + 1");
             PreparedStatement pb = b.prepareStatement("SELECT ?::int + 1")) {
            for (int i = 0; i < 50; i++) {
                for (PreparedStatement ps : new PreparedStatement[] {pa, pb}) {
                    ps.setInt(1, i);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        assertThat(rs.getInt(1)).isEqualTo(i + 1);
                        ok++;
                    }
                }
            }
        }
        return ok;
    }
}
