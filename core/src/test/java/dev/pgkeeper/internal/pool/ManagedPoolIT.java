package dev.pgkeeper.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.internal.config.DriverSettings;
import dev.pgkeeper.testing.PostgresExtension;
import dev.pgkeeper.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A retired pool releases the threads waiting in it at once (round one left them waiting out their whole
 * timeout in a pool nobody would refill), without leaving an interrupt on them, and never touches the
 * connections it lent. {@link ManagedPool#keepIdle} holds a new pool's fill back and lets it go.
 */
@ExtendWith(PostgresExtension.class)
class ManagedPoolIT {

    @Test
    void retiringReleasesTheWaitersAtOnceAndKeepsLentConnectionsWorking(TestDatabase db) throws Exception {
        DatabaseConfig config = DatabaseConfig.builder().url(db.url()).poolSize(1).poolMinIdle(0)
                .connectionTimeout(Duration.ofSeconds(20)).name("released").build();
        ManagedPool pool = ManagedPool.start(config, DriverSettings.of(config), 1, () -> { }, WarmConnection.none());
        try (Connection lent = pool.borrow(5_000)) {
            CompletableFuture<Object> waiter = CompletableFuture.supplyAsync(() -> {
                long start = System.nanoTime();
                try (Connection c = pool.borrow(20_000)) {
                    return "got one";
                } catch (SQLException e) {
                    return new Object[] {e, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                            Thread.currentThread().isInterrupted()};
                }
            });
            dev.pgkeeper.testing.Await.until("the waiter waits in the pool", Duration.ofSeconds(5),
                    () -> pool.stats().waiting() == 1);

            pool.retire();

            Object[] outcome = (Object[]) waiter.get(5, TimeUnit.SECONDS); // its timeout was 20 s
            assertThat(outcome[0]).isInstanceOf(ManagedPool.ReleasedException.class);
            assertThat((Boolean) outcome[2]).as("interrupt left on the waiter").isFalse();
            assertThat(lent.isValid(1)).as("the lent connection still works").isTrue();
            assertThatThrownBy(() -> pool.borrow(1_000)).isInstanceOf(ManagedPool.ReleasedException.class);
        } finally {
            pool.close();
        }
    }

    @Test
    void keepIdleHoldsTheFillBackAndThenOpensTheRestButNeverAfterRetirement(TestDatabase db) throws Exception {
        DatabaseConfig config = DatabaseConfig.builder().url(db.url()).poolSize(4).poolMinIdle(3).name("ramp").build();
        ManagedPool pool = ManagedPool.start(config, DriverSettings.of(config), 1, () -> { }, WarmConnection.none());
        try {
            pool.keepIdle(1); // before HikariCP's first refill, 100 ms after the start
            dev.pgkeeper.testing.Await.until("one idle connection", Duration.ofSeconds(10), () -> pool.stats().idle() == 1);
            Thread.sleep(500); // HikariCP's housekeeper has run meanwhile; it must not have filled to 3
            assertThat(pool.stats().total()).as("connections while held at one").isEqualTo(1);

            pool.keepIdle(3);
            dev.pgkeeper.testing.Await.until("the rest opened", Duration.ofSeconds(10), () -> pool.stats().idle() == 3);

            pool.retire();
            pool.keepIdle(4);
            Thread.sleep(500);
            assertThat(pool.stats().total()).as("a retired pool opens nothing").isZero();
        } finally {
            pool.close();
        }
    }
}
