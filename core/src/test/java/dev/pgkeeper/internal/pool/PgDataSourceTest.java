package dev.pgkeeper.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Which failed logins of a pool tell the manager that the server is gone: a refused connection does; a login that
 * timed out (a server that took the connection and did not answer, as a postmaster does when a fleet's logins queue
 * behind it) does not, and says so through {@link PgDataSource#loginsTimingOut()}. No database: a port nothing
 * listens on, and a listener that accepts and never answers.
 */
class PgDataSourceTest {

    @Test
    void aRefusedLoginIsReportedAsAConnectionFailure() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        AtomicInteger reported = new AtomicInteger();
        PgDataSource source = new PgDataSource(url(port), properties("2"), reported::incrementAndGet, WarmConnection.none());

        assertThatThrownBy(source::getConnection).isInstanceOf(SQLException.class);

        assertThat(reported).hasValue(1);
        assertThat(source.loginsTimingOut()).isFalse();
    }

    @Test
    void aLoginThatTimesOutIsNotReportedAndIsRemembered() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // takes the connection, never answers the startup packet
                    }
                } catch (Exception e) {
                    // closed at the end of the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            AtomicInteger reported = new AtomicInteger();
            PgDataSource source = new PgDataSource(url(silent.getLocalPort()), properties("0.5"), reported::incrementAndGet,
                    WarmConnection.none());

            assertThatThrownBy(source::getConnection).isInstanceOf(SQLException.class);

            assertThat(reported).as("a timed-out login is not a lost server").hasValue(0);
            assertThat(source.loginsTimingOut()).isTrue();
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    private static String url(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** What pgkeeper gives a pool: pgjdbc's own login timeout, in seconds (fractions allowed). */
    private static Properties properties(String loginTimeoutSeconds) {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("loginTimeout", loginTimeoutSeconds);
        p.setProperty("connectTimeout", "2");
        p.setProperty("socketTimeout", "5");
        return p;
    }
}
