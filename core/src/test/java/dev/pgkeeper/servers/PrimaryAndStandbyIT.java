package dev.pgkeeper.servers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.ConnectionEvent;
import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.HostStatus;
import dev.pgkeeper.ServerRole;
import dev.pgkeeper.TestConfigs;
import dev.pgkeeper.testing.Await;
import dev.pgkeeper.testing.PatroniCluster;
import dev.pgkeeper.testing.SeveralServersTest;
import dev.pgkeeper.testing.TestThreads;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A manager on a real Patroni cluster (two nodes, synchronous replication) with the multi-host URL
 * {@code postgresql://…@h1,h2/postgres?target_session_attrs=read-write}: writes go to the primary, found by
 * probing both hosts; reads from {@link ConnectionManager#readDataSource()} go to the standby while its replay
 * lag is within {@code DB_MAX_REPLICA_LAG}, and to the primary when it falls behind or goes down; after a
 * switchover the pool follows the new primary ({@code PRIMARY_CHANGED}) and writes never meet a read-only
 * server. {@link ConnectionManager#hosts()} says all of it.
 */
@SeveralServersTest
class PrimaryAndStandbyIT {

    private static PatroniCluster cluster;

    @BeforeAll
    static void startCluster() throws SQLException {
        cluster = PatroniCluster.start();
        try (Connection c = cluster.connect(cluster.leader()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE several (id bigserial PRIMARY KEY, at_port int)");
        }
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static ConnectionManager manager(String name) {
        return ConnectionManager.create(TestConfigs.forUrl(cluster.url()).name(name)
                .maxReplicaLag(Duration.ofMillis(500)).replicaCheckInterval(Duration.ofMillis(100)).build());
    }

    private static int port(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int write(ConnectionManager m) throws SQLException {
        return port(m.dataSource(), "INSERT INTO several (at_port) VALUES (inet_server_port()) RETURNING at_port");
    }

    private static int read(ConnectionManager m) throws SQLException {
        return port(m.readDataSource(), "SELECT inet_server_port()");
    }

    private static HostStatus status(ConnectionManager m, PatroniCluster.Node node) {
        return m.hosts().stream().filter(h -> h.host().equals(node.host() + ":" + node.port())).findFirst().orElseThrow();
    }

    @Test
    void writesGoToThePrimaryAndReadsToAStandbyWithinTheLagBound() throws Exception {
        PatroniCluster.Node leader = cluster.leader();
        PatroniCluster.Node replica = cluster.replica();
        try (ConnectionManager m = manager("ha-routing")) {
            assertThat(m.initializeConnection().success()).isTrue();
            assertThat(write(m)).as("writes reach the primary").isEqualTo(leader.port());
            Await.until("the standby is checked and takes reads", Duration.ofSeconds(10),
                    () -> status(m, replica).servesReads());
            assertThat(read(m)).as("reads reach the standby").isEqualTo(replica.port());
            assertThat(status(m, leader)).extracting(HostStatus::role, HostStatus::servesWrites, HostStatus::servesReads)
                    .containsExactly(ServerRole.PRIMARY, true, false);
            assertThat(status(m, replica)).extracting(HostStatus::role, HostStatus::reachable, HostStatus::servesWrites)
                    .containsExactly(ServerRole.STANDBY, true, false);
            assertThat(status(m, replica).replayLag()).isLessThanOrEqualTo(Duration.ofMillis(500));

            // A standby that stops replaying falls behind the bound: reads move to the primary, and come back.
            try (Connection c = cluster.connect(replica); Statement s = c.createStatement()) {
                s.execute("SELECT pg_wal_replay_pause()");
                try {
                    long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                    while (status(m, replica).servesReads() && System.nanoTime() < until) {
                        write(m); // WAL the standby receives but does not replay
                        Thread.sleep(50);
                    }
                    assertThat(status(m, replica).servesReads()).as("a lagging standby takes no reads").isFalse();
                    assertThat(status(m, replica).replayLag()).isGreaterThan(Duration.ofMillis(500));
                    assertThat(read(m)).as("reads go to the primary instead").isEqualTo(leader.port());
                } finally {
                    s.execute("SELECT pg_wal_replay_resume()");
                }
            }
            Await.until("the standby caught up takes reads again", Duration.ofSeconds(10),
                    () -> status(m, replica).servesReads());
            assertThat(read(m)).isEqualTo(replica.port());
        }
        TestThreads.assertNoPgkeeperThreads(Duration.ofSeconds(5));
    }

    @Test
    void aReadUrlNamesTheServersForReads() throws Exception {
        PatroniCluster.Node leader = cluster.leader();
        PatroniCluster.Node replica = cluster.replica();
        String credentials = cluster.user() + ":" + cluster.password();
        try (ConnectionManager m = ConnectionManager.create(TestConfigs.forUrl(
                        "postgresql://" + credentials + "@" + leader.host() + ":" + leader.port() + "/postgres")
                .readUrl("postgresql://" + credentials + "@" + replica.host() + ":" + replica.port() + "/postgres")
                .name("ha-read-url").replicaCheckInterval(Duration.ofMillis(100)).build())) {
            assertThat(m.initializeConnection().success()).isTrue();
            Await.until("the read server is checked", Duration.ofSeconds(10), () -> status(m, replica).servesReads());
            assertThat(read(m)).isEqualTo(replica.port());
            assertThat(write(m)).isEqualTo(leader.port());
            assertThat(m.hosts()).extracting(HostStatus::host)
                    .containsExactly(leader.host() + ":" + leader.port(), replica.host() + ":" + replica.port());
            assertThat(m.config().toString()).doesNotContain(cluster.password());
        }
    }

    @Test
    void aSwitchoverMovesWritesToTheNewPrimaryWithoutReadOnlyFailures() throws Exception {
        List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
        try (ConnectionManager m = manager("ha-switch")) {
            m.addListener(events::add);
            assertThat(m.initializeConnection().success()).isTrue();
            PatroniCluster.Node before = cluster.leader();
            assertThat(write(m)).isEqualTo(before.port());

            cluster.switchover();
            PatroniCluster.Node after = cluster.leader();
            assertThat(after).isNotSameAs(before);
            // The first calls may fail while there is no primary; once one succeeds, it is on the new primary and
            // so is every later one: none is refused as read-only (25006).
            Await.until("a write through the manager succeeds", Duration.ofSeconds(10), () -> {
                try {
                    write(m);
                    return true;
                } catch (SQLException e) {
                    assertThat(e.getSQLState()).as("no read-only failure: %s", e.getMessage()).isNotEqualTo("25006");
                    return false;
                }
            });
            for (int i = 0; i < 50; i++) {
                assertThat(write(m)).isEqualTo(after.port());
            }
            assertThat(events).extracting(ConnectionEvent::type)
                    .containsAnyOf(ConnectionEvent.Type.PRIMARY_CHANGED, ConnectionEvent.Type.CONNECTED);
            assertThat(status(m, after).servesWrites()).isTrue();
            assertThat(status(m, before).servesWrites()).isFalse();
        }
        cluster.awaitReplica(cluster.replica(), Duration.ofSeconds(60));
        TestThreads.assertNoPgkeeperThreads(Duration.ofSeconds(5));
    }
}
