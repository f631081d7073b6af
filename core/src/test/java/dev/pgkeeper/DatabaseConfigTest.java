package dev.pgkeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseConfigTest {

    private static final String URL = "postgresql://app:s3cr%40t-pw@db.example.com:5432/orders";

    @Test
    void defaultsAreThoseOfTheDesign() {
        DatabaseConfig c = DatabaseConfig.fromMap(Map.of("DATABASE_URL", URL));

        assertThat(c.maxRetries()).isEqualTo(5);
        assertThat(c.retryBaseDelay()).isEqualTo(Duration.ofMillis(1000));
        assertThat(c.poolSize()).isEqualTo(10);
        assertThat(c.poolMinIdle()).isEqualTo(2);
        assertThat(c.connectionTimeout()).isEqualTo(Duration.ofMillis(10_000));
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofMillis(10_000));
        assertThat(c.reconnectInterval()).isEqualTo(Duration.ofMillis(30_000));
        assertThat(c.disconnectTimeout()).isEqualTo(Duration.ofMillis(5_000));
        assertThat(c.socketTimeout()).isEqualTo(Duration.ofMillis(60_000));
        assertThat(c.statementTimeout()).as("no statement timeout unless asked for").isZero();
        assertThat(c.probeTimeout()).isEqualTo(Duration.ofMillis(2_000));
        assertThat(c.probeInterval()).isEqualTo(Duration.ofMillis(20));
        assertThat(c.probeFastPeriod()).isEqualTo(Duration.ofMillis(2_000));
        assertThat(c.probeMaxInterval()).isEqualTo(Duration.ofMillis(300));
        assertThat(c.rewriteBatchedInserts()).isTrue();
        assertThat(c.name()).isEqualTo("default");
        assertThat(c.isProduction()).isFalse();
        assertThat(c).isEqualTo(DatabaseConfig.builder().url(URL).build());
    }

    @Test
    void readsEveryVariable() {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", URL);
        env.put("DB_MAX_RETRIES", "3");
        env.put("DB_RETRY_BASE_DELAY", "250");
        env.put("DB_POOL_SIZE", "20");
        env.put("DB_POOL_MIN_IDLE", "5");
        env.put("DB_CONNECTION_TIMEOUT", "4000");
        env.put("DB_IDLE_TIMEOUT", "0");
        env.put("DB_SOCKET_TIMEOUT", "0");
        env.put("DB_STATEMENT_TIMEOUT", "120000");
        env.put("DB_RECONNECT_INTERVAL", "1000");
        env.put("DB_DISCONNECT_TIMEOUT", "2000");
        env.put("DB_PROBE_TIMEOUT", "500");
        env.put("DB_PROBE_INTERVAL", "50");
        env.put("DB_PROBE_FAST_PERIOD", "0");
        env.put("DB_PROBE_MAX_INTERVAL", "5000");
        env.put("DB_REWRITE_BATCHED_INSERTS", "false");
        env.put("DB_POOL_NAME", "orders");
        env.put("APP_ENV", " Production ");

        DatabaseConfig c = DatabaseConfig.fromMap(env);

        assertThat(c.maxRetries()).isEqualTo(3);
        assertThat(c.retryBaseDelay()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.poolSize()).isEqualTo(20);
        assertThat(c.poolMinIdle()).isEqualTo(5);
        assertThat(c.connectionTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(c.idleTimeout()).isZero();
        assertThat(c.socketTimeout()).isZero();
        assertThat(c.statementTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.reconnectInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.disconnectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.probeTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.probeInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(c.probeFastPeriod()).isZero();
        assertThat(c.probeMaxInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.rewriteBatchedInserts()).isFalse();
        assertThat(c.name()).isEqualTo("orders");
        assertThat(c.isProduction()).isTrue();
        assertThat(c.toBuilder().build()).isEqualTo(c);
    }

    @Test
    void blankVariablesCountAsUnset() {
        DatabaseConfig c = DatabaseConfig.fromMap(Map.of("DATABASE_URL", URL, "DB_POOL_SIZE", "  "));

        assertThat(c.poolSize()).isEqualTo(10);
    }

    @Test
    void everyBadValueIsReportedAtOnceNamingTheVariable() {
        Map<String, String> env = Map.of(
                "DATABASE_URL", "postgresql://app:hunter2-secret@/orders",
                "DB_POOL_SIZE", "abc",
                "DB_MAX_RETRIES", "-1",
                "DB_CONNECTION_TIMEOUT", "10s",
                "DB_IDLE_TIMEOUT", "5000",
                "DB_SOCKET_TIMEOUT", "1500");

        assertThatThrownBy(() -> DatabaseConfig.fromMap(env))
                .isInstanceOfSatisfying(DatabaseError.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION_ERROR);
                    assertThat(e.isTemporary()).isFalse();
                    assertThat(e.getMessage()).startsWith("Invalid pgkeeper configuration (6 problems)")
                            .contains("DATABASE_URL", "DB_POOL_SIZE: 'abc' is not a whole number",
                                    "DB_MAX_RETRIES (maxRetries): -1 is out of range",
                                    "DB_CONNECTION_TIMEOUT: '10s' is not a whole number of milliseconds",
                                    "DB_IDLE_TIMEOUT (idleTimeout): 5000 ms", "DB_SOCKET_TIMEOUT (socketTimeout)")
                            .doesNotContain("hunter2-secret");
                    assertThat(e.troubleshootingSteps()).hasSize(6)
                            .allSatisfy(step -> assertThat(step).doesNotContain("hunter2-secret"));
                    assertThat(e.toString()).doesNotContain("hunter2-secret");
                });
    }

    @Test
    void aMissingUrlSaysHowToSetIt() {
        assertThatThrownBy(() -> DatabaseConfig.fromMap(Map.of()))
                .isInstanceOf(DatabaseError.class)
                .hasMessageContaining("DATABASE_URL (url): is not set")
                .hasMessageContaining("DATABASE_URL=postgresql://");
    }

    @Test
    void aValueHoldingThePasswordIsMaskedWhenEchoed() {
        Map<String, String> env = Map.of("DATABASE_URL", "postgresql://app:Zq9-secretvalue@db/orders",
                "DB_POOL_SIZE", "Zq9-secretvalue");

        assertThatThrownBy(() -> DatabaseConfig.fromMap(env))
                .isInstanceOf(DatabaseError.class)
                .hasMessageContaining("DB_POOL_SIZE: '****' is not a whole number")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Zq9-secretvalue"));
    }

    @Test
    void builderValuesAreCheckedTheSameWay() {
        assertThatThrownBy(() -> DatabaseConfig.builder().url(URL).poolSize(0).poolMinIdle(-1)
                .connectionTimeout(Duration.ofMillis(100)).name("has space").build())
                .isInstanceOf(DatabaseError.class)
                .hasMessageContaining("DB_POOL_SIZE (poolSize): 0 is out of range; use a value from 1 to 1000")
                .hasMessageContaining("DB_POOL_MIN_IDLE (poolMinIdle)")
                .hasMessageContaining("DB_CONNECTION_TIMEOUT (connectionTimeout): 100 ms is out of range")
                .hasMessageContaining("DB_POOL_NAME (name): 'has space' is not a valid name");
    }

    @Test
    void minIdleDefaultsToThePoolSizeWhenThatIsSmaller() {
        assertThat(DatabaseConfig.builder().url(URL).poolSize(1).build().poolMinIdle()).isEqualTo(1);
    }

    @Test
    void theDefaultProbeTimeoutFollowsAShorterConnectionTimeout() {
        DatabaseConfig c = DatabaseConfig.builder().url(URL).connectionTimeout(Duration.ofMillis(500)).build();

        assertThat(c.probeTimeout()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void anExplicitProbeTimeoutLongerThanTheConnectionTimeoutIsRejected() {
        assertThatThrownBy(() -> DatabaseConfig.builder().url(URL).connectionTimeout(Duration.ofMillis(500))
                .probeTimeout(Duration.ofSeconds(1)).build())
                .isInstanceOf(DatabaseError.class)
                .hasMessageContaining("DB_PROBE_TIMEOUT (probeTimeout): 1000 ms is longer than the connection timeout");
    }

    @Test
    void aMaximumProbeIntervalShorterThanTheFirstIsRejectedSayingWhichToChange() {
        assertThatThrownBy(() -> DatabaseConfig.builder().url(URL).probeInterval(Duration.ofMillis(500))
                .probeMaxInterval(Duration.ofMillis(200)).build())
                .isInstanceOf(DatabaseError.class)
                .hasMessageContaining("DB_PROBE_MAX_INTERVAL (probeMaxInterval): 200 ms is shorter than the probe interval"
                        + " (500 ms)")
                .hasMessageContaining("raise it to at least 500 ms, or lower DB_PROBE_INTERVAL");
        assertThatThrownBy(() -> DatabaseConfig.builder().url(URL).probeFastPeriod(Duration.ofMillis(-1)).build())
                .isInstanceOf(DatabaseError.class)
                .hasMessageContaining("DB_PROBE_FAST_PERIOD (probeFastPeriod)");
    }

    @Test
    void aHugeNumberIsReportedAsTooLarge() {
        assertThatThrownBy(() -> DatabaseConfig.fromMap(Map.of("DATABASE_URL", URL, "DB_POOL_SIZE", "99999999999")))
                .hasMessageContaining("DB_POOL_SIZE: '99999999999' is far too large");
    }

    @Test
    void aUrlPastedIntoTheWrongVariableIsMaskedEvenWhenTheUrlIsInvalid() {
        Map<String, String> env = Map.of("DATABASE_URL", "mysql://nope",
                "DB_CONNECTION_TIMEOUT", "postgresql://app:Kx7-hidden@db/orders");

        assertThatThrownBy(() -> DatabaseConfig.fromMap(env))
                .isInstanceOf(DatabaseError.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Kx7-hidden"));
    }

    @Test
    void toStringShowsSettingsButNotThePassword() {
        DatabaseConfig c = DatabaseConfig.fromMap(Map.of("DATABASE_URL", URL));

        assertThat(c.toString()).contains("db.example.com", "orders", "poolSize=10")
                .doesNotContain("s3cr@t-pw").doesNotContain("s3cr%40t-pw");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "postgresql://app:s3cr%40t-pw@db.example.com:5432/orders",
            "postgres://app:s3cr%40t-pw@db.example.com/orders?sslmode=require",
            "jdbc:postgresql://db.example.com:5432/orders?user=app&password=s3cr%40t-pw",
            "postgresql://app@db.example.com/orders?password=s3cr%40t-pw&sslpassword=s3cr%40t-pw"})
    void urlNeverShowsThePasswordButUrlWithPasswordDoes(String url) {
        DatabaseConfig c = DatabaseConfig.builder().url(url).build();

        assertThat(c.url()).startsWith("postgresql://").contains("db.example.com", "orders")
                .doesNotContain("s3cr@t-pw").doesNotContain("s3cr%40t-pw");
        assertThat(c.urlWithPassword()).isEqualTo(url);
        assertThat(c.toString()).contains("url=" + c.url()).doesNotContain("s3cr");
        assertThat(c.toBuilder().build().urlWithPassword()).as("toBuilder keeps the password").isEqualTo(url);
    }

    @Test
    void configurationsThatDifferOnlyInThePasswordAreNotEqual() {
        DatabaseConfig one = DatabaseConfig.builder().url("postgresql://app:first-pw@db/orders").build();
        DatabaseConfig other = DatabaseConfig.builder().url("postgresql://app:other-pw@db/orders").build();

        assertThat(one).isNotEqualTo(other);
        assertThat(one.url()).isEqualTo(other.url()).isEqualTo("postgresql://app@db:5432/orders");
        assertThat(one.toString()).isEqualTo(other.toString());
        assertThat(one).isEqualTo(DatabaseConfig.builder().url("postgresql://app:first-pw@db/orders").build())
                .hasSameHashCodeAs(DatabaseConfig.builder().url("postgresql://app:first-pw@db/orders").build());
    }

    @Test
    void aStatementTimeoutMustEndBeforeTheSocketGivesUp() {
        assertThatThrownBy(() -> DatabaseConfig.builder().url(URL).statementTimeout(Duration.ofSeconds(60))
                .socketTimeout(Duration.ofSeconds(60)).build())
                .hasMessageContaining("DB_STATEMENT_TIMEOUT (statementTimeout): 60000 ms is not shorter than the socket timeout");
        assertThat(DatabaseConfig.builder().url(URL).statementTimeout(Duration.ZERO).build().statementTimeout()).isZero();
        assertThat(DatabaseConfig.builder().url(URL).socketTimeout(Duration.ofSeconds(5)).build().statementTimeout())
                .as("no default that a short socket timeout would contradict").isZero();
    }

    @Test
    void aStatementTimeoutIsOptIn() {
        assertThat(DatabaseConfig.fromMap(Map.of("DATABASE_URL", URL, "DB_STATEMENT_TIMEOUT", "")).statementTimeout())
                .as("empty counts as unset").isZero();
        assertThat(DatabaseConfig.fromMap(Map.of("DATABASE_URL", URL, "DB_STATEMENT_TIMEOUT", "0")).statementTimeout())
                .isZero();
        assertThat(DatabaseConfig.fromMap(Map.of("DATABASE_URL", URL, "DB_STATEMENT_TIMEOUT", "15000"))
                .statementTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(DatabaseConfig.builder().url(URL).statementTimeout(null).build().statementTimeout()).isZero();
        DatabaseConfig set = DatabaseConfig.builder().url(URL).statementTimeout(Duration.ofSeconds(5)).build();
        assertThat(set.toBuilder().build().statementTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(set.toBuilder().build()).isEqualTo(set);
    }

    @Test
    void toBuilderKeepsDefaultsThatFollowOtherSettings() {
        DatabaseConfig base = DatabaseConfig.builder().url(URL).build();

        DatabaseConfig changed = base.toBuilder().connectionTimeout(Duration.ofSeconds(1)).poolSize(1).build();

        assertThat(changed.probeTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(changed.poolMinIdle()).isEqualTo(1);
    }

    @Test
    void aRetryScheduleLongerThanAnHourIsRefused() {
        assertThatThrownBy(() -> DatabaseConfig.builder().url(URL).maxRetries(20).build())
                .hasMessageContaining("DB_MAX_RETRIES (maxRetries): 20 retries from a base delay of 1000 ms wait");
    }

    @Test
    void severalServerSettingsHaveDefaultsAndAreRead() {
        DatabaseConfig d = DatabaseConfig.fromMap(Map.of("DATABASE_URL", URL));
        assertThat(d.readUrl()).isNull();
        assertThat(d.maxReplicaLag()).isEqualTo(Duration.ofMillis(5000));
        assertThat(d.replicaCheckInterval()).isEqualTo(Duration.ofMillis(1000));
        assertThat(d.pgBouncer()).isEqualTo(PgBouncerMode.OFF);

        DatabaseConfig c = DatabaseConfig.fromMap(Map.of("DATABASE_URL", URL,
                "DATABASE_READ_URL", "postgresql://reader:s3cret-read@r1:5433,r2:5434/app",
                "DB_MAX_REPLICA_LAG", "250", "DB_REPLICA_CHECK_INTERVAL", "100", "DB_PGBOUNCER", "Transaction"));
        assertThat(c.readUrl()).isEqualTo("postgresql://reader@r1:5433,r2:5434/app");
        assertThat(c.readUrlWithPassword()).contains("s3cret-read");
        assertThat(c.maxReplicaLag()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.replicaCheckInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.pgBouncer()).isEqualTo(PgBouncerMode.TRANSACTION);
        assertThat(c.toString()).doesNotContain("s3cret-read").contains("pgBouncer=TRANSACTION");
        assertThat(c.toBuilder().build()).isEqualTo(c);
    }

    @Test
    void severalServerSettingsAreCheckedWithTheOthers() {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", "jdbc:postgresql://db/app?prepareThreshold=5");
        env.put("DATABASE_READ_URL", "postgresql://reader:s3cret-read@/app");
        env.put("DB_MAX_REPLICA_LAG", "-1");
        env.put("DB_REPLICA_CHECK_INTERVAL", "10");
        env.put("DB_PGBOUNCER", "statement");
        assertThatThrownBy(() -> DatabaseConfig.fromMap(env))
                .isInstanceOf(DatabaseError.class)
                .hasMessageContaining("DATABASE_READ_URL")
                .hasMessageContaining("DB_MAX_REPLICA_LAG")
                .hasMessageContaining("DB_REPLICA_CHECK_INTERVAL")
                .hasMessageContaining("DB_PGBOUNCER (pgBouncer): 'statement' is not one of off, session, transaction")
                .message().doesNotContain("s3cret-read");

        env.put("DB_PGBOUNCER", "transaction");
        env.put("DB_STATEMENT_TIMEOUT", "5000");
        env.remove("DATABASE_READ_URL");
        env.remove("DB_MAX_REPLICA_LAG");
        env.remove("DB_REPLICA_CHECK_INTERVAL");
        assertThatThrownBy(() -> DatabaseConfig.fromMap(env))
                .hasMessageContaining("2 problems")
                .hasMessageContaining("DB_STATEMENT_TIMEOUT (statementTimeout): is set while DB_PGBOUNCER=transaction")
                .hasMessageContaining("URL sets prepareThreshold=5");
    }

    @ParameterizedTest
    @CsvSource(value = {"true,true", "false,false", "TRUE,true", "False,false", " false ,false", "'',true", "' ',true"})
    void rewriteBatchedInsertsIsReadInAnyCaseAndBlankKeepsTheDefault(String value, boolean expected) {
        DatabaseConfig c = DatabaseConfig.fromMap(Map.of("DATABASE_URL", URL, "DB_REWRITE_BATCHED_INSERTS", value));

        assertThat(c.rewriteBatchedInserts()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "1", "on", "ture"})
    void rewriteBatchedInsertsRefusesAnythingButTrueOrFalse(String value) {
        assertThatThrownBy(() -> DatabaseConfig.fromMap(Map.of("DATABASE_URL", URL, "DB_REWRITE_BATCHED_INSERTS", value)))
                .isInstanceOfSatisfying(DatabaseError.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION_ERROR))
                .hasMessageContaining("DB_REWRITE_BATCHED_INSERTS (rewriteBatchedInserts): '" + value
                        + "' is not one of true, false; set one of them, e.g. DB_REWRITE_BATCHED_INSERTS=false");
    }

    @Test
    void rewriteBatchedInsertsIsOnByDefaultAndTheBuilderTurnsItOff() {
        DatabaseConfig on = DatabaseConfig.builder().url(URL).build();
        DatabaseConfig off = DatabaseConfig.builder().url(URL).rewriteBatchedInserts(false).build();

        assertThat(on.rewriteBatchedInserts()).isTrue();
        assertThat(off.rewriteBatchedInserts()).isFalse();
        assertThat(off).isNotEqualTo(on).isEqualTo(on.toBuilder().rewriteBatchedInserts(false).build())
                .hasSameHashCodeAs(on.toBuilder().rewriteBatchedInserts(false).build());
        assertThat(off.toBuilder().build().rewriteBatchedInserts()).as("toBuilder keeps it").isFalse();
        assertThat(on.toString()).contains("rewriteBatchedInserts=true");
        assertThat(off.toString()).contains("rewriteBatchedInserts=false");
    }

    private static final String NO_PASSWORD = "postgresql://app@db.example.com:5432/orders";

    @Test
    void dbPasswordFileIsReadFromTheEnvironmentAndKeptByToBuilder(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("db-password"), "s3cret\n");
        DatabaseConfig c = DatabaseConfig.fromMap(Map.of("DATABASE_URL", NO_PASSWORD, "DB_PASSWORD_FILE", file.toString()));

        assertThat(c.passwordFile()).isEqualTo(file);
        assertThat(c.credentialsProvider()).isNull();
        assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
        assertThat(c.toString()).contains("passwordFile=" + file).doesNotContain("s3cret");
    }

    @Test
    void aPasswordInTheUrlAndAPasswordFileTogetherAreRefusedSayingWhichToDrop(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("db-password"), "other");

        assertThatThrownBy(() -> DatabaseConfig.fromMap(Map.of("DATABASE_URL", URL, "DB_PASSWORD_FILE", file.toString())))
                .isInstanceOfSatisfying(DatabaseError.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION_ERROR))
                .hasMessageContaining("DATABASE_URL (url): holds a password while DB_PASSWORD_FILE is set; remove the"
                        + " password from DATABASE_URL")
                .hasMessageNotContaining("s3cr@t-pw").hasMessageNotContaining("s3cr%40t-pw");
        assertThatThrownBy(() -> DatabaseConfig.builder().url(NO_PASSWORD).readUrl(URL).passwordSupplier(() -> "x").build())
                .hasMessageContaining("DATABASE_READ_URL (readUrl): holds a password while a credentials provider")
                .hasMessageNotContaining("s3cr");
        assertThatThrownBy(() -> DatabaseConfig.builder().url(URL).credentialsProvider(() -> null).build())
                .hasMessageContaining("DATABASE_URL (url): holds a password while a credentials provider");
    }

    @Test
    void aPasswordFileAndAProviderTogetherAreRefused(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("db-password"), "pw");

        assertThatThrownBy(() -> DatabaseConfig.builder().url(NO_PASSWORD).passwordFile(file).passwordSupplier(() -> "pw").build())
                .hasMessageContaining("DB_PASSWORD_FILE (passwordFile): is set together with a credentials provider");
    }

    @Test
    void aPasswordFileThatIsMissingOrADirectoryIsRefusedWithThePath(@TempDir Path dir) {
        Path missing = dir.resolve("nope");

        assertThatThrownBy(() -> DatabaseConfig.fromMap(Map.of("DATABASE_URL", NO_PASSWORD, "DB_PASSWORD_FILE", missing.toString())))
                .hasMessageContaining("DB_PASSWORD_FILE (passwordFile): " + missing + " does not exist; mount the secret");
        assertThatThrownBy(() -> DatabaseConfig.builder().url(NO_PASSWORD).passwordFile(dir).build())
                .hasMessageContaining(dir + " is not a regular file");
    }

    @Test
    void passwordSupplierAndCredentialsProviderReplaceEachOther() {
        CredentialsProvider provider = () -> DatabaseCredentials.password("p");
        DatabaseConfig viaProvider = DatabaseConfig.builder().url(NO_PASSWORD).passwordSupplier(() -> "s")
                .credentialsProvider(provider).build();
        DatabaseConfig viaSupplier = DatabaseConfig.builder().url(NO_PASSWORD).credentialsProvider(provider)
                .passwordSupplier(() -> "s").build();

        assertThat(viaProvider.credentialsProvider()).isSameAs(provider);
        assertThat(viaSupplier.credentialsProvider()).isNotNull().isNotSameAs(provider);
        assertThat(viaProvider.toString()).contains("credentialsProvider=set");
        assertThat(viaProvider.toBuilder().build()).isEqualTo(viaProvider);
        assertThat(viaProvider).isNotEqualTo(viaSupplier);
    }
}
