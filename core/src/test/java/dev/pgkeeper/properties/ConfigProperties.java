package dev.pgkeeper.properties;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Bad input for configuration parsing: every variable gets arbitrary or near-valid text, a URL with a
 * password is sometimes pasted into the wrong variable, and the builder gets arbitrary typed values. The only
 * exception allowed is a {@code CONFIGURATION_ERROR} {@link DatabaseError}, and the password appears in no
 * message, step or {@code toString()}. 5,000 tries in all (with {@code UrlProperties}' 10,000: 15,000).
 */
class ConfigProperties {

    private static final List<String> VARIABLES = List.of(DatabaseConfig.DB_MAX_RETRIES, DatabaseConfig.DB_RETRY_BASE_DELAY,
            DatabaseConfig.DB_POOL_SIZE, DatabaseConfig.DB_POOL_MIN_IDLE, DatabaseConfig.DB_CONNECTION_TIMEOUT,
            DatabaseConfig.DB_IDLE_TIMEOUT, DatabaseConfig.DB_STATEMENT_TIMEOUT, DatabaseConfig.DB_SOCKET_TIMEOUT,
            DatabaseConfig.DB_RECONNECT_INTERVAL, DatabaseConfig.DB_DISCONNECT_TIMEOUT, DatabaseConfig.DB_PROBE_TIMEOUT,
            DatabaseConfig.DB_PROBE_INTERVAL, DatabaseConfig.DATABASE_READ_URL, DatabaseConfig.DB_MAX_REPLICA_LAG,
            DatabaseConfig.DB_REPLICA_CHECK_INTERVAL, DatabaseConfig.DB_PGBOUNCER, DatabaseConfig.DB_REWRITE_BATCHED_INSERTS,
            DatabaseConfig.DB_POOL_NAME, DatabaseConfig.APP_ENV);

    /** An environment, and the password its DATABASE_URL holds. */
    record Environment(Map<String, String> variables, String password) { }

    @Property(tries = 3000)
    void arbitraryValuesOfEveryVariableGiveAConfigOrOneConfigurationError(@ForAll("environments") Environment env) {
        assertTotalAndSecret(env);
    }

    @Property(tries = 1000)
    void nearValidNumbersGiveAConfigOrOneConfigurationError(@ForAll("nearValidEnvironments") Environment env) {
        assertTotalAndSecret(env);
    }

    @Property(tries = 1000)
    void theBuilderAcceptsOrRefusesAnyTypedValues(@ForAll("passwords") String password,
                                                  @ForAll("ints") int poolSize, @ForAll("ints") int maxRetries,
                                                  @ForAll("durations") Duration timeout, @ForAll("durations") Duration interval) {
        String url = "postgresql://app:" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "@db.example.com:5432/orders";
        try {
            DatabaseConfig c = DatabaseConfig.builder().url(url).poolSize(poolSize).maxRetries(maxRetries)
                    .connectionTimeout(timeout).reconnectInterval(interval).disconnectTimeout(timeout).build();
            assertThat(c.toString()).doesNotContain(password);
        } catch (DatabaseError e) {
            assertConfigurationError(e, password);
        }
    }

    private static void assertTotalAndSecret(Environment env) {
        try {
            DatabaseConfig c = DatabaseConfig.fromMap(env.variables());
            assertThat(c.toString()).doesNotContain(env.password());
            assertThat(c.url()).doesNotContain(env.password());
        } catch (DatabaseError e) {
            assertConfigurationError(e, env.password());
        }
    }

    private static void assertConfigurationError(DatabaseError e, String password) {
        String encoded = URLEncoder.encode(password, StandardCharsets.UTF_8);
        assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION_ERROR);
        assertThat(e.getMessage()).isNotBlank().doesNotContain(password).doesNotContain(encoded);
        assertThat(e.troubleshootingSteps()).isNotEmpty()
                .allSatisfy(step -> assertThat(step).doesNotContain(password).doesNotContain(encoded));
        assertThat(e.toString()).doesNotContain(password).doesNotContain(encoded);
    }

    @Provide
    Arbitrary<String> passwords() {
        // A distinctive prefix keeps the password from occurring by chance in the rest of the message.
        return Arbitraries.strings().withChars("abcXYZ0123456789@:/?#%&=+ !$'()*,;~é€")
                .ofMinLength(6).ofMaxLength(24).map(s -> "Pw^" + s);
    }

    @Provide
    Arbitrary<Environment> environments() {
        Arbitrary<String> anything = Arbitraries.oneOf(List.of(Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.strings().numeric().ofMaxLength(25), Arbitraries.of("", " ", "0", "-1", "abc")));
        return environment(anything);
    }

    @Provide
    Arbitrary<Environment> nearValidEnvironments() {
        Arbitrary<String> numbers = Arbitraries.oneOf(List.of(
                Arbitraries.longs().map(Object::toString),
                Arbitraries.integers().between(-5, 100_000).map(Object::toString),
                Arbitraries.integers().between(0, 100).map(i -> i + "s"),
                Arbitraries.integers().between(0, 100).map(i -> " " + i + " "),
                Arbitraries.of("+3", "1e3", "0x10", "10_000", "9223372036854775808", "NaN", "production", "PRODUCTION",
                        "off", "Session", "TRANSACTION", "statement", "true", "FALSE", "yes")));
        return environment(numbers);
    }

    private Arbitrary<Environment> environment(Arbitrary<String> values) {
        Arbitrary<Map<String, String>> others = Arbitraries.maps(Arbitraries.of(VARIABLES), values).ofMaxSize(VARIABLES.size());
        Arbitrary<Boolean> pasteUrl = Arbitraries.integers().between(0, 9).map(i -> i == 0);
        Arbitrary<String> host = Arbitraries.of("db.example.com", "", "[::1]", "h1:5432,h2:5433", "bad host");
        return Combinators.combine(passwords(), others, pasteUrl, host).as((password, vars, paste, h) -> {
            String url = "postgresql://app:" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "@" + h + "/orders";
            Map<String, String> env = new HashMap<>(vars);
            env.put(DatabaseConfig.DATABASE_URL, url);
            if (paste) {
                env.put(DatabaseConfig.DB_CONNECTION_TIMEOUT, url); // a URL pasted into the wrong variable
            }
            return new Environment(env, password);
        });
    }

    @Provide
    Arbitrary<Integer> ints() {
        return Arbitraries.oneOf(List.of(Arbitraries.integers(), Arbitraries.integers().between(-2, 40)));
    }

    @Provide
    Arbitrary<Duration> durations() {
        return Arbitraries.oneOf(List.of(
                Arbitraries.longs().between(-1_000, 200_000).map(Duration::ofMillis),
                Arbitraries.longs().between(Long.MIN_VALUE / 2_000_000, Long.MAX_VALUE / 2_000_000).map(Duration::ofMillis),
                Arbitraries.just(null)));
    }
}
