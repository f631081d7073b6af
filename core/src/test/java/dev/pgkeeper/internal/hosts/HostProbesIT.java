package dev.pgkeeper.internal.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.HostStatus;
import dev.pgkeeper.ServerRole;
import dev.pgkeeper.TestConfigs;
import dev.pgkeeper.internal.config.DriverSettings;
import dev.pgkeeper.internal.pool.ProbeResult;
import dev.pgkeeper.internal.url.ConnectionUrl.HostPort;
import dev.pgkeeper.testing.PrivateServer;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Probing every host of a several-host URL at once, against the test server and a port where nothing listens:
 * the host that answers as primary is found whatever its place in the URL, a host that refuses is recorded as
 * unreachable, no primary at all is a temporary failure that says what each host answered, and the same
 * permanent failure from every host is that failure. A manager on such a URL serves from the live host, and its
 * read DataSource, with no standby to read from, lends read-only connections of the primary.
 */
class HostProbesIT {

    private static final Duration BOUND = Duration.ofSeconds(2);
    private static TestDatabase db;
    private static int deadPort;
    private static ExecutorService executor;

    @BeforeAll
    static void start() {
        db = TestPostgres.server().createDatabase("HostProbesIT");
        deadPort = PrivateServer.freePort();
        executor = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stop() {
        executor.shutdownNow();
    }

    /** {@code postgresql://user:pw@127.0.0.1:dead,host:port/db?target_session_attrs=read-write}. */
    private static String twoHosts(String database) {
        return "postgresql://" + credentials() + "@127.0.0.1:" + deadPort + "," + db.host() + ":"
                + db.port() + "/" + database + "?target_session_attrs=read-write";
    }

    private static String credentials() {
        return db.user() + (db.password() == null ? "" : ":" + db.password());
    }

    private static DriverSettings settings(String url) {
        return DriverSettings.of(DatabaseConfig.builder().url(url).build());
    }

    @Test
    void findsTheHostThatAnswersAsPrimaryAndRecordsTheOneThatRefused() {
        HostBoard board = new HostBoard(Clock.systemUTC());
        HostProbes probes = new HostProbes(settings(twoHosts(db.database())), board);
        try (ProbeResult primary = probes.findPrimary(BOUND, executor)) {
            assertThat(primary.host()).isEqualTo(new HostPort(db.host(), db.port()));
            assertThat(primary.role()).isEqualTo(ServerRole.PRIMARY);
        }
        dev.pgkeeper.testing.Await.until("the refused host is reported", Duration.ofSeconds(5),
                () -> board.get(new HostPort("127.0.0.1", deadPort)).error() != null);
        HostBoard.Report dead = board.get(new HostPort("127.0.0.1", deadPort));
        assertThat(dead.reachable()).isFalse();
        assertThat(dead.error()).isEqualTo(ErrorCode.NETWORK_ERROR);
    }

    @Test
    void noPrimaryIsATemporaryFailureThatSaysWhatEachHostAnswered() {
        int otherDead = PrivateServer.freePort();
        String url = "postgresql://u:secret-pw@127.0.0.1:" + deadPort + ",127.0.0.1:" + otherDead
                + "/x?target_session_attrs=read-write";
        HostProbes probes = new HostProbes(settings(url), new HostBoard(Clock.systemUTC()));
        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> probes.findPrimary(BOUND, executor));
        assertThat(e.code()).isEqualTo(ErrorCode.NETWORK_ERROR);
        assertThat(e.isTemporary()).isTrue();
        assertThat(e.getMessage()).startsWith("No primary among 127.0.0.1:" + deadPort + ",127.0.0.1:" + otherDead)
                .contains("127.0.0.1:" + deadPort + ": ").contains("127.0.0.1:" + otherDead + ": ")
                .doesNotContain("secret-pw");
        assertThat(e.troubleshootingSteps()).anySatisfy(s -> assertThat(s).contains("promotes a standby"));
    }

    @Test
    void theSamePermanentFailureFromEveryHostIsThatFailure() {
        String url = "postgresql://" + credentials() + "@" + db.host() + ":" + db.port() + ","
                + db.host() + ":" + db.port() + "/no_such_database_here?target_session_attrs=read-write";
        HostProbes probes = new HostProbes(settings(url), new HostBoard(Clock.systemUTC()));
        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> probes.findPrimary(BOUND, executor));
        assertThat(e.code()).isEqualTo(ErrorCode.DATABASE_NOT_FOUND);
        assertThat(e.isTemporary()).isFalse();
    }

    @Test
    void aManagerServesFromTheLiveHostAndReadsFallBackToThePrimary() throws SQLException {
        try (ConnectionManager m = ConnectionManager.create(TestConfigs.forUrl(twoHosts(db.database()))
                .name("two-hosts").replicaCheckInterval(Duration.ofMillis(100)).build())) {
            assertThat(m.initializeConnection().success()).isTrue();
            try (Connection c = m.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT inet_server_port()")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(serverPort());
            }
            try (Connection c = m.readDataSource().getConnection()) {
                assertThat(c.isReadOnly()).as("read connections are read-only").isTrue();
                c.setAutoCommit(false); // pgjdbc applies read-only to the transactions it begins
                try (Statement s = c.createStatement()) {
                    SQLException refused = catchThrowableOfType(SQLException.class,
                            () -> s.execute("CREATE TEMP TABLE refused (id int)"));
                    assertThat(refused.getSQLState()).isEqualTo("25006");
                }
                c.rollback();
            }
            List<HostStatus> hosts = m.hosts();
            assertThat(hosts).extracting(HostStatus::host)
                    .containsExactly("127.0.0.1:" + deadPort, db.host() + ":" + db.port());
            assertThat(hosts.get(0)).extracting(HostStatus::reachable, HostStatus::servesWrites, HostStatus::servesReads)
                    .containsExactly(false, false, false);
            assertThat(hosts.get(1)).extracting(HostStatus::reachable, HostStatus::role, HostStatus::servesWrites,
                    HostStatus::servesReads).containsExactly(true, ServerRole.PRIMARY, true, false);
        }
    }

    /** The port the server itself reports, which differs from the URL's only behind a proxy. */
    private static int serverPort() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT inet_server_port()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
