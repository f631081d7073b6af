package dev.pgkeeper.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.examples.RotatingTokenExample.CachingTokenProvider;
import dev.pgkeeper.examples.RotatingTokenExample.Token;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The token provider example: cached until shortly before expiry, and logging in for real through pgkeeper. */
class RotatingTokenExampleIT {

    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    @Test
    void aTokenIsReusedUntilAMinuteBeforeItExpires() throws Exception {
        AtomicInteger fetches = new AtomicInteger();
        MutableClock clock = new MutableClock(NOW);
        CachingTokenProvider provider = new CachingTokenProvider(
                () -> new Token(null, "token-" + fetches.incrementAndGet(), clock.instant().plus(Duration.ofMinutes(15))),
                Duration.ofMinutes(1), clock);

        assertThat(provider.credentials().password()).isEqualTo("token-1");
        clock.now = NOW.plus(Duration.ofMinutes(13));
        assertThat(provider.credentials().password()).as("still valid for two minutes").isEqualTo("token-1");
        clock.now = NOW.plus(Duration.ofMinutes(14));
        assertThat(provider.credentials().password()).as("a minute before expiry: replaced").isEqualTo("token-2");
        assertThat(fetches).hasValue(2);
    }

    @Test
    void theManagerLogsInWithWhatTheTokenServiceGives() throws Exception {
        String role = "token_user_" + System.nanoTime() % 100_000;
        TestDatabase db = TestPostgres.server().createLoginRole(role, "issued-token", "postgres");
        AtomicInteger fetches = new AtomicInteger();
        String url = "postgresql://" + role + "@" + db.host() + ":" + db.port() + "/" + db.database();
        ConnectionManager manager = ConnectionManager.create(RotatingTokenExample.config(url, () -> {
            fetches.incrementAndGet();
            return new Token(null, "issued-token", Instant.now().plus(Duration.ofMinutes(15)));
        }));
        try {
            assertThat(manager.initializeConnection().success()).isTrue();
            try (Connection c = manager.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT current_user")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(role);
            }
            assertThat(fetches).as("one token for the probe and every pooled login").hasValue(1);
        } finally {
            manager.disconnect();
            TestPostgres.server().execute("DROP OWNED BY " + role); // its grants on the database and schema
            TestPostgres.server().execute("DROP ROLE " + role);
        }
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
