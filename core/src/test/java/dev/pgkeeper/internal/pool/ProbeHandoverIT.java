package dev.pgkeeper.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.internal.config.DriverSettings;
import dev.pgkeeper.testing.Await;
import dev.pgkeeper.testing.PostgresExtension;
import dev.pgkeeper.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A probe's proven connection becomes the next pool's first one (one login instead of two after an
 * outage), with the pool's socket timeout; a connection nobody takes is closed, never leaked.
 */
@ExtendWith(PostgresExtension.class)
class ProbeHandoverIT {

    private static final Duration BOUND = Duration.ofSeconds(2);

    @Test
    void thePoolLendsTheProbesConnectionFirst(TestDatabase db) throws Exception {
        DatabaseConfig config = DatabaseConfig.builder().url(db.url()).poolMinIdle(0).name("warm")
                .socketTimeout(Duration.ofSeconds(7)).build();
        DriverSettings settings = DriverSettings.of(config);
        ProbeResult probe = new Prober(settings).probe(BOUND);
        List<Integer> afterProbe = sessions(db);
        assertThat(afterProbe).hasSize(1);

        ManagedPool pool = ManagedPool.start(config, settings, 1, () -> { }, probe.connection());
        try (Connection c = pool.borrow(5_000)) {
            assertThat(backendPid(c)).isEqualTo(afterProbe.get(0));
            assertThat(c.getNetworkTimeout()).isEqualTo(7_000).isEqualTo(settings.poolSocketTimeoutMillis());
        } finally {
            probe.close(); // taken: closing the result must not close the pool's connection
            assertThat(sessions(db)).containsExactlyElementsOf(afterProbe);
            pool.close();
        }
        Await.until("no session left", Duration.ofSeconds(5), () -> sessions(db).isEmpty());
    }

    @Test
    void aProbeConnectionNobodyTakesIsClosed(TestDatabase db) throws Exception {
        DatabaseConfig config = DatabaseConfig.builder().url(db.url()).name("warm").build();
        DriverSettings settings = DriverSettings.of(config);

        try (ProbeResult probe = new Prober(settings).probe(BOUND)) {
            assertThat(probe.server().startedAt()).isNotNull();
            assertThat(probe.server().systemIdentifier()).isNotBlank();
            assertThat(sessions(db)).hasSize(1);
        }
        Await.until("the probe's session ended", Duration.ofSeconds(5), () -> sessions(db).isEmpty());

        ProbeResult unused = new Prober(settings).probe(BOUND);
        ManagedPool pool = ManagedPool.start(config.toBuilder().poolMinIdle(0).build(), settings, 2, () -> { },
                unused.connection());
        pool.close(); // never borrowed from: the pool closes what it was handed
        Await.until("the handed-over session ended", Duration.ofSeconds(5), () -> sessions(db).isEmpty());

    }

    /** Backend pids of the sessions pgkeeper opened to this test's database, seen from another session. */
    private static List<Integer> sessions(TestDatabase db) {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE application_name = 'pgkeeper'"
                     + " AND datname = '" + db.database() + "' ORDER BY pid")) {
            List<Integer> pids = new ArrayList<>();
            while (rs.next()) {
                pids.add(rs.getInt(1));
            }
            return pids;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int backendPid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
