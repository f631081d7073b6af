package dev.pgkeeper.servers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.testing.PatroniCluster;
import dev.pgkeeper.testing.SeveralServersTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@link PatroniCluster} fixture itself (groundwork for issue 10, several servers): two Patroni nodes on
 * one etcd, synchronous mode, a switchover and a {@code kill -9} of the leader. Prints
 * {@code PATRONI switchover_writable_ms=… kill_writable_ms=…}.
 */
@SeveralServersTest
class PatroniClusterIT {

    @Test
    void startsWithOneLeaderReplicatesSynchronouslySwitchesOverAndFailsOver() throws Exception {
        long started = System.nanoTime();
        try (PatroniCluster cluster = PatroniCluster.start()) {
            long upMs = (System.nanoTime() - started) / 1_000_000;
            List<PatroniCluster.Node> leaders = cluster.nodes().stream().filter(PatroniCluster.Node::isLeader).toList();
            assertThat(leaders).as("exactly one leader").hasSize(1);
            PatroniCluster.Node leader = cluster.leader();
            PatroniCluster.Node replica = cluster.replica();
            assertThat(cluster.url()).startsWith("postgresql://postgres:")
                    .endsWith("@127.0.0.1:" + cluster.nodes().get(0).port() + ",127.0.0.1:"
                            + cluster.nodes().get(1).port() + "/postgres?target_session_attrs=read-write");

            // A write acknowledged with remote_apply is visible on the synchronous standby at once.
            try (Connection c = cluster.connect(leader); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE fixture_check (id int PRIMARY KEY, note text)");
                s.execute("SET synchronous_commit = remote_apply");
                s.execute("INSERT INTO fixture_check VALUES (1, 'written on the leader')");
            }
            try (Connection c = cluster.connect(replica); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), (SELECT note FROM fixture_check WHERE id = 1)")) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("the replica is in recovery").isTrue();
                assertThat(rs.getString(2)).isEqualTo("written on the leader");
            }
            try (Connection c = cluster.connect(leader); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT application_name, sync_state FROM pg_stat_replication")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(replica.name());
                assertThat(rs.getString(2)).as("synchronous mode").isEqualTo("sync");
            }

            // The multi-host JDBC URL finds the leader.
            try (Connection c = java.sql.DriverManager.getConnection(cluster.jdbcUrl(), cluster.user(), cluster.password());
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT inet_server_port()")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(leader.port());
            }

            Duration switchover = cluster.switchover();
            assertThat(cluster.leader()).as("the leader moved").isSameAs(replica);
            long rejoinStart = System.nanoTime();
            cluster.awaitReplica(leader, Duration.ofSeconds(60));
            long rejoinMs = (System.nanoTime() - rejoinStart) / 1_000_000;
            try (Connection c = cluster.connect(leader); PreparedStatement ps = c.prepareStatement(
                    "SELECT pg_is_in_recovery(), count(*) FROM fixture_check")) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getBoolean(1)).as("the old leader is a replica now").isTrue();
                    assertThat(rs.getLong(2)).isEqualTo(1);
                }
            }

            PatroniCluster.Node beforeKill = cluster.leader();
            Duration kill = cluster.killLeader();
            PatroniCluster.Node afterKill = cluster.leader();
            assertThat(afterKill).as("a new leader after kill -9").isNotSameAs(beforeKill);
            try (Connection c = cluster.connect(afterKill); Statement s = c.createStatement()) {
                s.execute("INSERT INTO fixture_check VALUES (2, 'after the kill')");
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM fixture_check")) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("no acknowledged write lost").isEqualTo(2);
                }
            }
            System.out.printf("PATRONI switchover_writable_ms=%d kill_writable_ms=%d (up in %d ms, old leader "
                    + "streaming again %d ms after the switchover)%n", switchover.toMillis(), kill.toMillis(), upMs, rejoinMs);
            long closing = System.nanoTime();
            cluster.close();
            System.out.printf("PATRONI closed in %d ms%n", (System.nanoTime() - closing) / 1_000_000);
            assertThat(cluster.directory()).doesNotExist();
        }
    }
}
