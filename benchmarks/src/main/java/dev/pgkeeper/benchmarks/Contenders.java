package dev.pgkeeper.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.mybatis.MyBatisClient;
import dev.pgkeeper.testing.PostgresServer;
import java.time.Duration;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;

/**
 * The two stacks under comparison, on the same server with the same pool size and timeouts: pgkeeper
 * (manager, MyBatis client, repository) and what a user glues together by hand (HikariCP, and MyBatis on
 * top of it for contender (b)).
 */
final class Contenders implements AutoCloseable {

    static final int POOL_SIZE = 10;
    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);

    final ConnectionManager manager;
    final MyBatisClient client;
    final AccountRepository repository;
    final HikariDataSource plainPool;
    final SqlSessionFactory plainMyBatis;

    private Contenders(ConnectionManager manager, MyBatisClient client, HikariDataSource plainPool,
                       SqlSessionFactory plainMyBatis) {
        this.manager = manager;
        this.client = client;
        this.repository = new AccountRepository(client);
        this.plainPool = plainPool;
        this.plainMyBatis = plainMyBatis;
    }

    static Contenders open(PostgresServer server) {
        ConnectionManager manager = ConnectionManager.create(pgkeeperConfig(server).build());
        if (!manager.initializeConnection().success()) {
            throw new IllegalStateException("pgkeeper could not connect to " + server.host() + ":" + server.port());
        }
        MyBatisClient client = MyBatisClient.builder().connectionManager(manager).addMapper(AccountMapper.class).build();
        HikariDataSource plain = plainPool(server);
        return new Contenders(manager, client, plain, plainMyBatis(plain));
    }

    /**
     * pgkeeper with a fixed pool of {@link #POOL_SIZE} and otherwise its defaults;
     * {@code -Dbench.probeIntervalMs} overrides {@code DB_PROBE_INTERVAL}, to study what it does to recovery.
     */
    static DatabaseConfig.Builder pgkeeperConfig(PostgresServer server) {
        DatabaseConfig.Builder b = DatabaseConfig.builder().url(server.admin("postgres").url()).name("bench")
                .poolSize(POOL_SIZE).poolMinIdle(POOL_SIZE).connectionTimeout(CONNECTION_TIMEOUT);
        Long probeInterval = Long.getLong("bench.probeIntervalMs");
        return probeInterval == null ? b : b.probeInterval(Duration.ofMillis(probeInterval));
    }

    /** Plain HikariCP as its documentation suggests: a fixed pool, the JDBC URL, the same timeouts. */
    static HikariDataSource plainPool(PostgresServer server) {
        return new HikariDataSource(plainConfig(server));
    }

    /**
     * Plain HikariCP given the driver settings pgkeeper applies by default (socket timeout, TCP keepalive):
     * what a careful user would configure by hand.
     */
    static HikariDataSource plainPoolWithPgkeeperTimeouts(PostgresServer server) {
        HikariConfig config = plainConfig(server);
        config.setPoolName("plain-hikari-timeouts");
        config.addDataSourceProperty("socketTimeout", "60");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        return new HikariDataSource(config);
    }

    private static HikariConfig plainConfig(PostgresServer server) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("plain-hikari");
        config.setJdbcUrl("jdbc:postgresql://" + server.host() + ":" + server.port() + "/postgres");
        config.setUsername("postgres");
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(POOL_SIZE);
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        return config;
    }

    /** Plain MyBatis on a DataSource: JDBC transactions, the same mapper and settings as pgkeeper's client. */
    static SqlSessionFactory plainMyBatis(javax.sql.DataSource pool) {
        Configuration configuration = new Configuration(new Environment("plain", new JdbcTransactionFactory(), pool));
        configuration.setMapUnderscoreToCamelCase(true);
        configuration.addMapper(AccountMapper.class);
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    @Override
    public void close() {
        plainPool.close();
        manager.disconnect();
    }
}
