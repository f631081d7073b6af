package dev.pgkeeper.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.mybatis.fixtures.SessionMapper;
import dev.pgkeeper.testing.LogCapture;
import org.junit.jupiter.api.Test;

/**
 * A configuration file's {@code <environments>} are replaced without being built: a file whose environments
 * MyBatis could not build (unknown factory classes) gives a working client, on the manager's environment,
 * and one warning that names the file and the environments but none of their properties. No database
 * needed: nothing connects.
 */
class ConfigurationFileEnvironmentsTest {

    private static final String FILE = "config/unbuildable-environments.xml";

    @Test
    void theFilesEnvironmentsAreNeitherBuiltNorEchoed() {
        try (ConnectionManager manager = ConnectionManager.create(DatabaseConfig.builder()
                .url("postgresql://app@127.0.0.1:1/app").name("orders").build());
             LogCapture log = LogCapture.start()) {

            MyBatisClient client = MyBatisClient.builder().connectionManager(manager).configuration(FILE).build();

            assertThat(client.sqlSessionFactory().getConfiguration().getEnvironment().getId()).isEqualTo("pgkeeper-orders");
            assertThat(client.sqlSessionFactory().getConfiguration().hasMapper(SessionMapper.class)).isTrue();
            // distinct: LogCapture sees an event once per logger configuration it passes through
            assertThat(log.lines().stream().filter(line -> line.startsWith("WARN") && line.contains(FILE)).distinct())
                    .singleElement().satisfies(line -> assertThat(line).contains("development, test", "pgkeeper-orders"));
            assertThat(log.text()).doesNotContain("s3cret", "db.invalid");
        }
    }
}
