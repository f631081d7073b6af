package dev.pgkeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.metrics.IMetricsTracker;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.PoolStats;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.PostgresExtension;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestThreads;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The two metrics hooks of {@link ConnectionManager}: a HikariCP metrics tracker that follows pool replacement
 * ({@link ConnectionManager#addPoolMetricsTracker}) and borrow observers ({@link ConnectionManager#addBorrowObserver}).
 */
@ExtendWith(PostgresExtension.class)
class MetricsHooksIT {

    private final TestDatabase db;
    private ConnectionManager manager;

    MetricsHooksIT(TestDatabase db) {
        this.db = db;
    }

    @AfterEach
    void tearDown() {
        if (manager != null) {
            try {
                TestConfigs.assertAllConnectionsReturned(manager);
            } finally {
                manager.disconnect();
            }
            TestThreads.assertNoPgkeeperThreads();
        }
    }

    /** A tracker factory that remembers what it was asked and counts what its tracker receives. */
    static final class RecordingFactory implements MetricsTrackerFactory {
        final List<String> names = new CopyOnWriteArrayList<>();
        final AtomicInteger acquired = new AtomicInteger();
        final AtomicInteger usages = new AtomicInteger();
        final AtomicBoolean closed = new AtomicBoolean();
        volatile PoolStats stats;

        @Override
        public IMetricsTracker create(String poolName, PoolStats poolStats) {
            names.add(poolName);
            stats = poolStats;
            return new IMetricsTracker() {
                @Override
                public void recordConnectionAcquiredNanos(long nanos) {
                    acquired.incrementAndGet();
                }

                @Override
                public void recordConnectionUsageMillis(long millis) {
                    usages.incrementAndGet();
                }

                @Override
                public void close() {
                    closed.set(true);
                }
            };
        }
    }

    @Test
    void aPoolTrackerIsCreatedOnceUnderTheManagersNameAndFollowsEveryPool() throws SQLException {
        manager = ConnectionManager.create(TestConfigs.forDatabase(db).name("orders").build());
        RecordingFactory factory = new RecordingFactory();
        assertThat(manager.addPoolMetricsTracker(factory)).isTrue();
        assertThat(manager.addPoolMetricsTracker(factory)).as("a second registration").isFalse();
        assertThat(factory.stats.getMaxConnections()).as("before any pool").isEqualTo(4);
        assertThat(factory.stats.getTotalConnections()).isZero();

        assertThat(manager.initializeConnection().success()).isTrue();
        try (Connection held = manager.dataSource().getConnection()) {
            assertThat(factory.stats.getActiveConnections()).isEqualTo(1);
        }
        assertThat(factory.acquired).hasValue(1);

        assertThat(manager.reconnect().success()).isTrue(); // a new pool generation
        try (Connection a = manager.dataSource().getConnection(); Connection b = manager.dataSource().getConnection()) {
            assertThat(factory.stats.getActiveConnections()).as("the new pool's numbers").isEqualTo(2);
            assertThat(factory.stats.getTotalConnections()).isGreaterThanOrEqualTo(2);
        }
        assertThat(factory.acquired).as("borrows from both pools").hasValue(3);
        assertThat(factory.usages).hasValue(3);
        assertThat(factory.names).containsExactly("orders");
        assertThat(factory.closed).as("retiring a pool closes nothing").isFalse();

        assertThat(manager.removePoolMetricsTracker(factory)).isTrue();
        assertThat(factory.closed).isTrue();
        Jdbc.selectOne(manager.dataSource());
        assertThat(factory.acquired).as("no more events after removal").hasValue(3);
        assertThat(manager.removePoolMetricsTracker(factory)).isFalse();
    }

    @Test
    void aTrackerAddedWhileConnectedSeesThePoolThatServesAlready() throws SQLException {
        manager = ConnectionManager.create(TestConfigs.forDatabase(db).build());
        assertThat(manager.initializeConnection().success()).isTrue();
        RecordingFactory factory = new RecordingFactory();
        manager.addPoolMetricsTracker(factory);

        Jdbc.selectOne(manager.dataSource());

        assertThat(factory.acquired).hasValue(1);
        assertThat(factory.names).containsExactly("default");
    }

    @Test
    void borrowObserversSeeSuccessesOfBothDataSourcesAndFailuresWithTheirCode() throws SQLException {
        manager = ConnectionManager.create(TestConfigs.forDatabase(db).build());
        List<String> seen = new CopyOnWriteArrayList<>();
        BorrowObserver observer = new BorrowObserver() {
            @Override
            public void borrowed(boolean reads, long elapsedNanos) {
                assertThat(elapsedNanos).isPositive();
                seen.add((reads ? "read " : "write ") + "ok");
            }

            @Override
            public void failed(boolean reads, long elapsedNanos, ErrorCode code) {
                seen.add((reads ? "read " : "write ") + code);
            }
        };
        BorrowObserver throwing = new BorrowObserver() {
            @Override
            public void borrowed(boolean reads, long elapsedNanos) {
                throw new IllegalStateException("a broken observer");
            }

            @Override
            public void failed(boolean reads, long elapsedNanos, ErrorCode code) {
                throw new IllegalStateException("a broken observer");
            }
        };
        manager.addBorrowObserver(observer);
        manager.addBorrowObserver(observer);
        manager.addBorrowObserver(throwing);
        manager.initializeConnection();

        Jdbc.selectOne(manager.dataSource());
        Jdbc.selectOne(manager.readDataSource());
        var ds = manager.dataSource();
        manager.disconnect();
        assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class);

        assertThat(seen).containsExactly("write ok", "read ok", "write NOT_INITIALIZED");

        manager.removeBorrowObserver(observer);
        manager.initializeConnection();
        Jdbc.selectOne(manager.dataSource());
        assertThat(seen).hasSize(3);
    }
}
