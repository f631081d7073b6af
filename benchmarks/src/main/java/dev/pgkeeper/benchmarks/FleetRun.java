package dev.pgkeeper.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.testing.Fleet;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Issue 14's fleet in the benchmarks: many instances (pool 2 each, a call every 100 ms on each) against one private
 * server with {@code max_connections} = 500 that is stopped and started again, first as pgkeeper managers, then as
 * plain HikariCP pools, one after the other on the same server. Each stack runs with its own defaults apart from the
 * pool size: what an application gets out of the box. Plain HikariCP runs second, so it finds pgjdbc's login
 * code compiled already.
 */
final class FleetRun {

    private FleetRun() {
    }

    /** Runs both fleets; returns their {@code FLEET} lines, pgkeeper's first. */
    static List<String> run(int instances, Duration outage) throws Exception {
        Fleet.Plan plan = new Fleet.Plan(instances, Duration.ofMillis(100), Duration.ofSeconds(1), outage,
                Duration.ofSeconds(60));
        try (Fleet fleet = Fleet.startServer(500)) {
            Fleet.Figures ours = fleet.run("pgkeeper", plan, FleetRun::manager);
            Fleet.Figures theirs = fleet.run("hikaricp", plan, FleetRun::plainPool);
            return List.of(ours.line(), theirs.line());
        }
    }

    private static Fleet.Member manager(int index, String url) throws IOException {
        ConnectionManager manager = ConnectionManager.create(DatabaseConfig.builder().url(url).name("fleet-" + index)
                .poolSize(2).build());
        if (!manager.initializeConnection().success()) {
            manager.disconnect();
            throw new IOException("fleet instance " + index + " could not connect");
        }
        return Fleet.Member.of(() -> manager.dataSource().getConnection(), manager::disconnect);
    }

    private static Fleet.Member plainPool(int index, String url) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("fleet-plain-" + index);
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(2);
        HikariDataSource pool = new HikariDataSource(config);
        return Fleet.Member.of(pool::getConnection, pool::close);
    }
}
