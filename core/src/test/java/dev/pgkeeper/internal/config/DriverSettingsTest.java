package dev.pgkeeper.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseCredentials;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DriverSettingsTest {

    private static DriverSettings settings(String url, DatabaseConfig.Builder extra) {
        return DriverSettings.of(extra.url(url).build());
    }

    @Test
    void thePasswordTravelsAsAPropertyNeverInTheUrl() {
        DriverSettings s = settings("postgresql://app:p%40ss-w0rd@db:5433/orders?sslmode=require", DatabaseConfig.builder());

        assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5433/orders").doesNotContain("p@ss-w0rd");
        assertThat(s.user()).isEqualTo("app");
        assertThat(s.credentials().current()).isEqualTo(new DatabaseCredentials("app", "p@ss-w0rd"));
        assertThat(s.poolProperties()).as("credentials are added per connection").doesNotContainKeys("password", "user")
                .containsEntry("sslmode", "require");
        assertThat(s.probeProperties(Duration.ofSeconds(1))).doesNotContainKey("password");
        Properties login = s.probeProperties(Duration.ofSeconds(1));
        CredentialSource.apply(login, s.credentials().current());
        assertThat(login).containsEntry("password", "p@ss-w0rd").containsEntry("user", "app");
        assertThat(s.toString()).doesNotContain("p@ss-w0rd");
        assertThat(s.target().sanitizedUrl()).doesNotContain("p@ss-w0rd");
    }

    @Test
    void timeoutsComeFromTheConfigurationSoNothingBlocksForever() {
        Properties p = settings("postgresql://app@db/orders", DatabaseConfig.builder()
                .connectionTimeout(Duration.ofMillis(2500)).socketTimeout(Duration.ofSeconds(30))).poolProperties();

        assertThat(p).containsEntry("connectTimeout", "3")      // pgjdbc counts whole seconds: rounded up
                .containsEntry("loginTimeout", "2.5")            // fractions allowed: the precise bound
                .containsEntry("socketTimeout", "30")
                .containsEntry("tcpKeepAlive", "true")
                .containsEntry("cancelSignalTimeout", "2")
                .containsEntry("ApplicationName", "pgkeeper");
    }

    @Test
    void aZeroSocketTimeoutDisablesIt() {
        Properties p = settings("postgresql://app@db/orders", DatabaseConfig.builder().socketTimeout(Duration.ZERO))
                .poolProperties();

        assertThat(p).containsEntry("socketTimeout", "0");
    }

    @Test
    void parametersWrittenInTheUrlWinOverDerivedDefaults() {
        Properties p = settings("postgresql://app@db/orders?connect_timeout=7&application_name=billing",
                DatabaseConfig.builder()).poolProperties();

        assertThat(p).containsEntry("connectTimeout", "7").containsEntry("loginTimeout", "7")
                .containsEntry("ApplicationName", "billing");
    }

    @Test
    void aProbeIsAlwaysBoundedByItsOwnTimeout() {
        Properties p = settings("postgresql://app@db/orders?connect_timeout=60", DatabaseConfig.builder())
                .probeProperties(Duration.ofMillis(400));

        assertThat(p).containsEntry("connectTimeout", "1").containsEntry("socketTimeout", "1")
                .as("no login thread of pgjdbc's own").containsEntry("loginTimeout", "0");
    }

    @Test
    void severalHostsAndIpv6AreKeptForPgjdbc() {
        DriverSettings s = settings("postgresql://app@[::1]:5432,db2:5433/orders?target_session_attrs=read-write",
                DatabaseConfig.builder());

        assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432,db2:5433/orders");
        assertThat(s.poolProperties()).containsEntry("targetServerType", "primary");
        assertThat(s.target().hosts()).isEqualTo("[::1]:5432,db2:5433");
    }

    @Test
    void byDefaultThereIsNoStatementTimeoutAndNoOptionsParameter() {
        DriverSettings plain = settings("postgresql://app@db/orders", DatabaseConfig.builder());
        DriverSettings ownOptions = settings("postgresql://app@db/orders?options=-c%20search_path%3Dapp",
                DatabaseConfig.builder());

        assertThat(plain.poolProperties()).doesNotContainKey("options");
        assertThat(plain.probeProperties(Duration.ofSeconds(1))).doesNotContainKey("options");
        assertThat(ownOptions.poolProperties().getProperty("options")).isEqualTo("-c search_path=app");
    }

    @Test
    void aConfiguredStatementTimeoutTravelsInTheStartupOptions() {
        Properties p = settings("postgresql://app@db/orders?options=-c%20search_path%3Dapp", DatabaseConfig.builder()
                .statementTimeout(Duration.ofMillis(1500))).poolProperties();
        Properties none = settings("postgresql://app@db/orders", DatabaseConfig.builder()
                .statementTimeout(Duration.ZERO)).poolProperties();
        Properties own = settings("postgresql://app@db/orders?options=-c%20statement_timeout%3D5s",
                DatabaseConfig.builder().statementTimeout(Duration.ofMillis(1500))).poolProperties();

        assertThat(p.getProperty("options")).isEqualTo("-c search_path=app -c statement_timeout=1500");
        assertThat(none).doesNotContainKey("options");
        assertThat(own.getProperty("options")).as("the URL's own setting wins").isEqualTo("-c statement_timeout=5s");
    }

    @Test
    void batchedInsertsAreRewrittenUnlessTurnedOff() {
        Properties on = settings("postgresql://app@db/orders", DatabaseConfig.builder()).poolProperties();
        Properties off = settings("postgresql://app@db/orders", DatabaseConfig.builder().rewriteBatchedInserts(false))
                .poolProperties();

        assertThat(on).containsEntry("reWriteBatchedInserts", "true");
        assertThat(off).containsEntry("reWriteBatchedInserts", "false");
    }

    @Test
    void aJdbcUrlsOwnReWriteBatchedInsertsWinsOverTheSetting() {
        Properties urlOff = settings("jdbc:postgresql://db/orders?user=app&reWriteBatchedInserts=false",
                DatabaseConfig.builder()).poolProperties();
        Properties urlOn = settings("jdbc:postgresql://db/orders?user=app&reWriteBatchedInserts=true",
                DatabaseConfig.builder().rewriteBatchedInserts(false)).poolProperties();

        assertThat(urlOff).containsEntry("reWriteBatchedInserts", "false");
        assertThat(urlOn).containsEntry("reWriteBatchedInserts", "true");
    }

    @Test
    void probesAndReadPoolsGetTheSameSetting() {
        DatabaseConfig off = DatabaseConfig.builder().url("postgresql://app@db/orders").readUrl("postgresql://app@r1/orders")
                .rewriteBatchedInserts(false).build();

        assertThat(DriverSettings.of(off).probeProperties(Duration.ofSeconds(1))).containsEntry("reWriteBatchedInserts", "false");
        assertThat(DriverSettings.forReads(off).poolProperties()).containsEntry("reWriteBatchedInserts", "false");
    }
}
