package dev.pgkeeper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property 11 of the design: connectivity is proven by a real round trip with the server, not by building a
 * pool. A login event trigger (PostgreSQL 17 and later) makes the server itself record every session that
 * logs in to the test database, under the session's {@code application_name}, which is unique per try.
 * For generated pool settings, a manager pointed at PostgreSQL reports success only once the server has
 * recorded a session of its own; a manager pointed at a TCP listener that accepts connections but does not
 * speak PostgreSQL (it closes them, answers HTTP, or stays silent) is never connected, although a pool could
 * have been built for it. 100 tries, one database for all of them.
 */
class RoundTripProperties {

    private static final AtomicInteger TRIES = new AtomicInteger();
    private static TestDatabase db;
    private static boolean loginTriggers;

    @BeforeContainer
    static void createDatabase() throws SQLException {
        db = TestPostgres.server().createDatabase("RoundTripProperties");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int >= 170000")) {
                rs.next();
                loginTriggers = rs.getBoolean(1);
            }
            if (loginTriggers) {
                s.execute("""
                        CREATE TABLE logins (application_name text NOT NULL, pid int NOT NULL,
                                             at timestamptz NOT NULL DEFAULT clock_timestamp());
                        CREATE FUNCTION record_login() RETURNS event_trigger SECURITY DEFINER LANGUAGE plpgsql AS $$
                        BEGIN
                            INSERT INTO public.logins (application_name, pid)
                            VALUES (current_setting('application_name'), pg_backend_pid());
                        END $$;
                        CREATE EVENT TRIGGER record_login ON login EXECUTE FUNCTION record_login();
                        """);
            }
        }
    }

    @AfterContainer
    static void dropDatabase() {
        TestPostgres.server().dropDatabase(db.database());
    }

    @Property(tries = 100, generation = GenerationMode.RANDOMIZED)
    @Label("Seed property 11: connected only after a real session with PostgreSQL; a listener that is not PostgreSQL never counts")
    void connectedOnlyAfterARealRoundTrip(@ForAll("endpoints") Endpoint endpoint,
                                          @ForAll @IntRange(min = 1, max = 4) int poolSize,
                                          @ForAll("minIdle") int minIdle) throws Exception {
        String applicationName = "p11_try_" + TRIES.incrementAndGet();
        try (Impostor impostor = endpoint == Endpoint.POSTGRES ? null : Impostor.start(endpoint)) {
            String base = impostor == null ? db.url()
                    : "postgresql://postgres@127.0.0.1:" + impostor.port() + "/" + db.database();
            // pgjdbc sets application_name only after login: the startup options carry it into the login trigger
            String tag = "?application_name=" + applicationName + "&options=-c%20application_name%3D" + applicationName;
            DatabaseConfig config = TestConfigs.forUrl(base + tag)
                    .poolSize(poolSize).poolMinIdle(Math.min(minIdle, poolSize)).maxRetries(0)
                    // short only where the attempt must run into it: toward the silent listener
                    .connectionTimeout(Duration.ofMillis(endpoint == Endpoint.SILENT ? 300 : 3000))
                    .probeTimeout(Duration.ofMillis(300))
                    .reconnectInterval(Duration.ofMinutes(10)).build();
            try (ConnectionManager manager = ConnectionManager.create(config)) {
                if (loginTriggers) {
                    assertThat(sessionsRecorded(applicationName)).as("creating a manager opens no session").isZero();
                }

                ConnectionResult result = manager.initializeConnection();

                if (endpoint == Endpoint.POSTGRES) {
                    assertThat(result.success()).as("%s", result).isTrue();
                    assertThat(manager.isConnected()).isTrue();
                    if (loginTriggers) {
                        assertThat(sessionsRecorded(applicationName))
                                .as("sessions PostgreSQL saw log in as %s when success was reported; it saw %s",
                                        applicationName, sessionsSeen())
                                .isPositive();
                    } else {
                        // Before PostgreSQL 17 (a server given by TEST_DATABASE_URL) there are no login
                        // triggers; the step 1 run on the embedded PostgreSQL 18 checks the session itself.
                        assertThat(Jdbc.selectOne(manager.dataSource())).isEqualTo(1);
                    }
                } else {
                    assertThat(result.success()).as("%s", result).isFalse();
                    assertThat(result.error().isTemporary()).as("%s", result.error()).isTrue();
                    assertThat(manager.isConnected()).isFalse();
                    assertThat(manager.getConnectionStatus().connected()).isFalse();
                    assertThat(impostor.accepted()).as("the listener accepted the manager's TCP connection")
                            .isPositive();
                    if (loginTriggers) {
                        assertThat(sessionsRecorded(applicationName)).isZero();
                    }
                }
            }
        }
    }

    /** Where the manager is pointed. */
    enum Endpoint {
        POSTGRES, CLOSES_AT_ONCE, ANSWERS_HTTP, SILENT
    }

    @Provide
    Arbitrary<Integer> minIdle() {
        return Arbitraries.integers().between(0, 4);
    }

    @Provide
    Arbitrary<Endpoint> endpoints() {
        return Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.just(Endpoint.POSTGRES)),
                Tuple.of(2, Arbitraries.just(Endpoint.CLOSES_AT_ONCE)),
                Tuple.of(2, Arbitraries.just(Endpoint.ANSWERS_HTTP)),
                Tuple.of(1, Arbitraries.just(Endpoint.SILENT)));
    }

    private static long sessionsRecorded(String applicationName) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM logins WHERE application_name = ?")) {
            s.setString(1, applicationName);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Every login PostgreSQL recorded, for failure messages. */
    private static String sessionsSeen() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT string_agg(application_name || '#' || pid, ', ' ORDER BY at) FROM logins")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A TCP listener on the loopback interface that accepts connections but is not PostgreSQL. */
    private static final class Impostor implements AutoCloseable {

        private final ServerSocket socket;
        private final AtomicInteger accepted = new AtomicInteger();
        private final List<Socket> held = new ArrayList<>();

        private Impostor(ServerSocket socket) {
            this.socket = socket;
        }

        static Impostor start(Endpoint behaviour) throws IOException {
            Impostor impostor = new Impostor(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            Thread acceptor = new Thread(() -> impostor.serve(behaviour), "impostor-" + impostor.port());
            acceptor.setDaemon(true);
            acceptor.start();
            return impostor;
        }

        private void serve(Endpoint behaviour) {
            while (!socket.isClosed()) {
                Socket s;
                try {
                    s = socket.accept();
                } catch (IOException closed) {
                    return;
                }
                accepted.incrementAndGet();
                try {
                    switch (behaviour) {
                        case CLOSES_AT_ONCE -> s.close();
                        case ANSWERS_HTTP -> {
                            OutputStream out = s.getOutputStream();
                            out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            s.close();
                        }
                        default -> {
                            synchronized (held) {
                                held.add(s); // silent: keep it open, say nothing
                            }
                        }
                    }
                } catch (IOException e) {
                    // the manager hung up first: that is its business
                }
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        int accepted() {
            return accepted.get();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (held) {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }
}
