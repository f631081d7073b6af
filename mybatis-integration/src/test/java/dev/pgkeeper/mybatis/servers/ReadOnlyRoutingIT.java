package dev.pgkeeper.mybatis.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.HostStatus;
import dev.pgkeeper.mybatis.MyBatisClient;
import dev.pgkeeper.mybatis.TransactionOptions;
import dev.pgkeeper.testing.Await;
import dev.pgkeeper.testing.PatroniCluster;
import dev.pgkeeper.testing.SeveralServersTest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Select;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Read-only MyBatis transactions run on a standby of a real Patroni cluster while it is within the lag bound;
 * read-write transactions and autocommit calls run on the primary; a write in a read-only transaction is
 * refused as such; and with the standby down, read-only transactions run on the primary.
 */
@SeveralServersTest
class ReadOnlyRoutingIT {

    /** Says which server runs the statement. */
    public interface WhereMapper {
        @Select("SELECT inet_server_port()")
        int port();

        @Insert("INSERT INTO routed (note) VALUES ('written')")
        int write();
    }

    private static PatroniCluster cluster;

    @BeforeAll
    static void startCluster() throws SQLException {
        cluster = PatroniCluster.start();
        try (Connection c = cluster.connect(cluster.leader()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE routed (id bigserial PRIMARY KEY, note text)");
        }
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void readOnlyTransactionsRunOnTheStandbyAndEverythingElseOnThePrimary() throws Exception {
        PatroniCluster.Node leader = cluster.leader();
        PatroniCluster.Node replica = cluster.replica();
        try (ConnectionManager manager = ConnectionManager.create(DatabaseConfig.builder().url(cluster.url())
                .name("routing").poolSize(4).connectionTimeout(Duration.ofSeconds(2))
                .replicaCheckInterval(Duration.ofMillis(100)).build())) {
            assertThat(manager.initializeConnection().success()).isTrue();
            MyBatisClient client = MyBatisClient.builder().connectionManager(manager).addMapper(WhereMapper.class).build();
            WhereMapper where = client.mapper(WhereMapper.class);
            Await.until("the standby takes reads", Duration.ofSeconds(10), () -> manager.hosts().stream()
                    .anyMatch(h -> h.servesReads() && h.host().endsWith(":" + replica.port())));

            TransactionOptions readOnly = TransactionOptions.defaults().readOnly();
            assertThat(client.inTransaction(readOnly, where::port)).as("read-only transaction").isEqualTo(replica.port());
            assertThat(client.inTransaction(where::port)).as("read-write transaction").isEqualTo(leader.port());
            assertThat(where.port()).as("autocommit call").isEqualTo(leader.port());
            assertThat(client.inTransaction(where::write)).isEqualTo(1);

            DatabaseError refused = catchThrowableOfType(DatabaseError.class, () -> client.inTransaction(readOnly, where::write));
            assertThat(refused.code()).isEqualTo(ErrorCode.READ_ONLY_TRANSACTION);
            assertThat(client.inTransaction(where::port)).as("the thread is back on the primary").isEqualTo(leader.port());

            // The standby goes down: its failure takes it out of the rotation, and reads run on the primary.
            ProcessHandle.of(replica.postmasterPid().orElseThrow()).orElseThrow().destroyForcibly();
            Await.until("read-only transactions run on the primary", Duration.ofSeconds(10), () -> {
                try {
                    return client.inTransaction(readOnly, where::port) == leader.port();
                } catch (DatabaseError e) {
                    return false; // the read that met the standby's crash
                }
            });
            HostStatus down = manager.hosts().stream().filter(h -> h.host().endsWith(":" + replica.port()))
                    .findFirst().orElseThrow();
            assertThat(down.servesReads()).isFalse();
            assertThat(manager.getConnectionStatus().pool().active()).isZero();
        }
    }
}
