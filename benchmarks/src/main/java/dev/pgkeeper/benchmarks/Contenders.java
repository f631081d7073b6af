package dev.pgkeeper.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.mybatis.MyBatisClient;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;

/**
 * How each contender's stack is built, on the same server with the same pool size and timeouts: pgkeeper
 * (manager, MyBatis client, repository) and what a user glues together by hand (HikariCP, with MyBatis on
 * top of it). A forked JVM builds only the stack it measures.
 */
final class Contenders {

    static final int POOL_SIZE = 10;
    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);

    /** Where the benchmark's server listens; always the superuser {@code postgres} on database {@code postgres}. */
    record Target(String host, int port) {
        String url() {
            return "postgresql://postgres@" + host + ":" + port + "/postgres";
        }

        String jdbcUrl() {
            return "jdbc:postgresql://" + host + ":" + port + "/postgres";
        }
    }

    /** pgkeeper's stack: a connected manager, a client with the benchmark's mapper, and the repository. */
    record Pgkeeper(ConnectionManager manager, MyBatisClient client, AccountRepository repository) implements AutoCloseable {
        static Pgkeeper open(DatabaseConfig config) {
            ConnectionManager manager = ConnectionManager.create(config);
            if (!manager.initializeConnection().success()) {
                throw new IllegalStateException("pgkeeper could not connect: " + config);
            }
            MyBatisClient client = MyBatisClient.builder().connectionManager(manager).addMapper(AccountMapper.class).build();
            return new Pgkeeper(manager, client, new AccountRepository(client));
        }

        @Override
        public void close() {
            manager.disconnect();
        }
    }

    private Contenders() {
    }

    /**
     * pgkeeper with a fixed pool of {@link #POOL_SIZE} and otherwise its defaults;
     * {@code -Dbench.probeIntervalMs} overrides {@code DB_PROBE_INTERVAL}, to study what it does to recovery.
     */
    static DatabaseConfig.Builder pgkeeperConfig(Target target) {
        DatabaseConfig.Builder b = DatabaseConfig.builder().url(target.url()).name("bench")
                .poolSize(POOL_SIZE).poolMinIdle(POOL_SIZE).connectionTimeout(CONNECTION_TIMEOUT);
        Long probeInterval = Long.getLong("bench.probeIntervalMs");
        return probeInterval == null ? b : b.probeInterval(Duration.ofMillis(probeInterval));
    }

    /** Plain HikariCP as its documentation suggests: a fixed pool, the JDBC URL, the same timeouts. */
    static HikariDataSource plainPool(Target target) {
        return new HikariDataSource(plainConfig(target));
    }

    /**
     * Plain HikariCP given the driver settings pgkeeper applies by default (socket timeout, TCP keepalive,
     * batched inserts rewritten): what a careful user would configure by hand.
     */
    static HikariDataSource plainPoolWithPgkeeperSettings(Target target) {
        HikariConfig config = plainConfig(target);
        config.setPoolName("plain-hikari-pgkeeper-settings");
        config.addDataSourceProperty("socketTimeout", "60");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        return new HikariDataSource(config);
    }

    private static HikariConfig plainConfig(Target target) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("plain-hikari");
        config.setJdbcUrl(target.jdbcUrl());
        config.setUsername("postgres");
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(POOL_SIZE);
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        return config;
    }

    /** Plain MyBatis on a DataSource: JDBC transactions, the same mapper and settings as pgkeeper's client. */
    static SqlSessionFactory plainMyBatis(DataSource pool) {
        Configuration configuration = new Configuration(new Environment("plain", new JdbcTransactionFactory(), pool));
        configuration.setMapUnderscoreToCamelCase(true);
        configuration.addMapper(AccountMapper.class);
        return new SqlSessionFactoryBuilder().build(configuration);
    }
}
