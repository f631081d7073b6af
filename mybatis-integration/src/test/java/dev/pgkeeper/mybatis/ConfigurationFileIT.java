package dev.pgkeeper.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.mybatis.bookshop.Bookshop;
import dev.pgkeeper.mybatis.bookshop.BookMapper;
import dev.pgkeeper.mybatis.bookshop.CustomerMapper;
import dev.pgkeeper.mybatis.bookshop.EventMapper;
import dev.pgkeeper.mybatis.bookshop.ReportMapper;
import dev.pgkeeper.mybatis.bookshop.StatementLog;
import dev.pgkeeper.mybatis.bookshop.model.Book;
import dev.pgkeeper.mybatis.bookshop.model.Customer;
import dev.pgkeeper.mybatis.bookshop.model.EBook;
import dev.pgkeeper.mybatis.bookshop.report.SaleRow;
import dev.pgkeeper.mybatis.fixtures.Fixture;
import dev.pgkeeper.mybatis.internal.CursorFetchSize;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.LogCapture;
import dev.pgkeeper.testing.PostgresExtension;
import dev.pgkeeper.testing.TestDatabase;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.ibatis.datasource.pooled.PooledDataSource;
import org.apache.ibatis.datasource.unpooled.UnpooledDataSource;
import org.apache.ibatis.io.Resources;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.type.JdbcType;
import org.apache.ibatis.type.TypeAliasRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link MyBatisClient.Builder#configuration(String)} promises about an application's existing
 * mybatis-config.xml (bookshop/mybatis-config.xml and the small files under configfile/): its settings, aliases,
 * plugins, mappers and database id apply as in MyBatis, its environments are never used, and what is wrong
 * with it fails {@code build()} with a CONFIGURATION_ERROR naming it.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfigurationFileIT {

    private static final String PLAIN = "configfile/plain-config.xml";

    private ConnectionManager manager;

    @BeforeAll
    void start(TestDatabase db) throws SQLException {
        manager = ConnectionManager.create(Fixture.config(db).build());
        assertThat(manager.initializeConnection().success()).isTrue();
        Jdbc.execute(manager.dataSource(), Bookshop.schema());
    }

    @BeforeEach
    void oneCustomer() throws SQLException {
        Jdbc.execute(manager.dataSource(), "TRUNCATE customers RESTART IDENTITY CASCADE; "
                + "INSERT INTO customers (email, full_name, tier) VALUES ('ada@example.com', 'Ada Lovelace', 'GOLD')");
    }

    @AfterEach
    void nothingLent() {
        assertThat(manager.getConnectionStatus().pool().active()).as("connections still lent out").isZero();
    }

    @AfterAll
    void stop() {
        manager.disconnect();
    }

    private MyBatisClient.Builder withFile(String resource) {
        return MyBatisClient.builder().connectionManager(manager).configuration(resource)
                .typeAliasesPackage(Bookshop.MODEL_PACKAGE);
    }

    private static DatabaseError buildFails(Supplier<MyBatisClient> build) {
        DatabaseError e = catchThrowableOfType(DatabaseError.class, build::get);
        assertThat(e).as("build() should have failed").isNotNull();
        return e;
    }

    // --- settings ---

    @Test
    void theFilesSettingsApply() {
        MyBatisClient client = Bookshop.builder(manager).build();
        Configuration configuration = client.sqlSessionFactory().getConfiguration();

        assertThat(configuration.isMapUnderscoreToCamelCase()).isTrue();
        assertThat(configuration.isLazyLoadingEnabled()).isTrue();
        assertThat(configuration.isAggressiveLazyLoading()).isFalse();
        assertThat(configuration.getJdbcTypeForNull()).isEqualTo(JdbcType.NULL);
        assertThat(configuration.getDefaultFetchSize()).as("left unset").isNull();
        Customer ada = client.mapper(CustomerMapper.class).findByEmail("ada@example.com");
        assertThat(ada.getFullName()).as("full_name auto-mapped to fullName").isEqualTo("Ada Lovelace");
    }

    @Test
    void aFileThatDoesNotSetMapUnderscoreToCamelCaseLeavesItOffAsMyBatisDoes() {
        MyBatisClient fromFile = withFile(PLAIN).build();
        MyBatisClient withoutFile = MyBatisClient.builder().connectionManager(manager).build();

        Customer ada = fromFile.mapper(CustomerMapper.class).findByEmail("ada@example.com");

        assertThat(fromFile.sqlSessionFactory().getConfiguration().isMapUnderscoreToCamelCase()).isFalse();
        assertThat(ada.getEmail()).isEqualTo("ada@example.com");
        assertThat(ada.getFullName()).as("full_name has no property of that name").isNull();
        assertThat(withoutFile.sqlSessionFactory().getConfiguration().isMapUnderscoreToCamelCase())
                .as("pgkeeper's own default, without a file").isTrue();
        assertThat(fromFile.sqlSessionFactory().getConfiguration().isLazyLoadingEnabled()).isFalse();
    }

    // --- aliases, plugins, mappers ---

    @Test
    void theFilesAliasesPluginsAndMappersAreRegisteredWithTheBuildersOnTop() {
        MyBatisClient client = Bookshop.builder(manager).build();
        Configuration configuration = client.sqlSessionFactory().getConfiguration();
        TypeAliasRegistry aliases = configuration.getTypeAliasRegistry();

        assertThat(aliases.resolveAlias("Money")).as("<typeAlias> of the file").isEqualTo(BigDecimal.class);
        assertThat(aliases.resolveAlias("SaleRow")).as("<package> of the file").isEqualTo(SaleRow.class);
        assertThat(aliases.resolveAlias("EBook")).as("typeAliasesPackage of the builder").isEqualTo(EBook.class);
        assertThat(configuration.getInterceptors()).as("the file's plugin, then pgkeeper's cursor fetch size")
                .map(i -> i.getClass().getSimpleName()).containsSubsequence("StatementLog", "CursorFetchSize");
        assertThat(configuration.getInterceptors()).anyMatch(CursorFetchSize.class::isInstance);
        assertThat(configuration.hasMapper(BookMapper.class)).as("a mapper of the file").isTrue();
        assertThat(configuration.hasMapper(ReportMapper.class)).as("a mapper of the builder").isTrue();
        assertThat(configuration.hasStatement(ReportMapper.class.getName() + ".saleRows"))
                .as("the builder's mapper uses the file's aliases and a fragment of the file's OrderMapper").isTrue();
        assertThat(client.mapper(ReportMapper.class).revenueByAuthor()).isEmpty();
        assertThat(client.mapper(CustomerMapper.class).findById(1).getTier()).isEqualTo("GOLD");
        assertThat(StatementLog.of(client).statements()).containsExactly("ReportMapper.revenueByAuthor",
                "CustomerMapper.findById");
    }

    @Test
    void typeAliasesPackageRegistersTheClassesOfEveryPackageListed() {
        for (String packages : new String[] {"dev.pgkeeper.mybatis.bookshop.model, dev.pgkeeper.mybatis.bookshop.report",
                "dev.pgkeeper.mybatis.bookshop.model;dev.pgkeeper.mybatis.bookshop.report",
                " dev.pgkeeper.mybatis.bookshop.model\n\tdev.pgkeeper.mybatis.bookshop.report "}) {
            TypeAliasRegistry aliases = MyBatisClient.builder().connectionManager(manager).configuration(PLAIN)
                    .typeAliasesPackage(packages).build().sqlSessionFactory().getConfiguration().getTypeAliasRegistry();

            assertThat(aliases.getTypeAliases()).as(packages)
                    .containsEntry("book", Book.class).containsEntry("customer", Customer.class)
                    .containsEntry("salerow", SaleRow.class)
                    .doesNotContainKey("sort"); // BookQuery.Sort: a member class, as in MyBatis's own <package>
        }
    }

    @Test
    void aPackageWithoutClassesFailsTheBuildNamingThePackage() {
        DatabaseError e = buildFails(() -> Bookshop.builder(manager)
                .typeAliasesPackage("dev.pgkeeper.mybatis.bookshop.modle").build());

        assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION_ERROR);
        assertThat(e.getMessage()).contains("dev.pgkeeper.mybatis.bookshop.modle");
        assertThat(e.context()).containsEntry("package", "dev.pgkeeper.mybatis.bookshop.modle");
        assertThat(e.troubleshootingSteps()).anySatisfy(s -> assertThat(s).contains("typeAliasesPackage"));
    }

    // --- environments ---

    @Test
    void theFilesDataSourcesAreNeitherCreatedNorUsed() {
        MyBatisClient client = Bookshop.builder(manager).build();

        assertThat(client.sqlSessionFactory().getConfiguration().getEnvironment().getId()).startsWith("pgkeeper-");
        assertThat(client.sqlSessionFactory().getConfiguration().getEnvironment().getDataSource())
                .isNotInstanceOf(PooledDataSource.class).isNotInstanceOf(UnpooledDataSource.class);
        assertThat(client.mapper(EventMapper.class).count()).as("the test database, not db.bookshop.invalid").isZero();
    }

    /**
     * The bookshop's file with both environments pointed at a port that this test listens on, served from a
     * class loader of its own: the client works against the test database and not one connection reaches the
     * port.
     */
    @Test
    void theHostOfThePooledDataSourceIsNeverContacted(@TempDir Path dir) throws Exception {
        try (ServerSocket bogus = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger accepted = new AtomicInteger();
            Thread acceptor = new Thread(() -> {
                while (!bogus.isClosed()) {
                    try (Socket s = bogus.accept()) {
                        accepted.incrementAndGet(); // closed at once: a client that came here fails fast
                    } catch (SocketException closed) {
                        return;
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "bogus-postgres");
            acceptor.start();
            String xml = new String(Resources.getResourceAsStream(Bookshop.CONFIG).readAllBytes(), StandardCharsets.UTF_8)
                    .replaceAll("jdbc:postgresql://[^\"]+", "jdbc:postgresql://127.0.0.1:" + bogus.getLocalPort() + "/bookshop");
            assertThat(xml).contains("127.0.0.1:" + bogus.getLocalPort()).doesNotContain(".invalid");
            Files.createDirectories(dir.resolve("generated"));
            Files.writeString(dir.resolve("generated/mybatis-config.xml"), xml);

            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, previous)) {
                Thread.currentThread().setContextClassLoader(loader);
                MyBatisClient client = Bookshop.builder(manager).configuration("generated/mybatis-config.xml").build();

                assertThat(client.mapper(CustomerMapper.class).findByEmail("ada@example.com").getFullName())
                        .isEqualTo("Ada Lovelace");
                client.useTransaction(() -> assertThat(client.mapper(EventMapper.class).count()).isZero());
                assertThat(client.mapper(EventMapper.class).databaseDescription()).startsWith("postgresql ");
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
            assertThat(accepted.get()).as("connections to the file's data source").isZero();
        }
    }

    @Test
    void aWarningNamesTheFileAndItsEnvironments() {
        try (LogCapture log = LogCapture.start()) {
            Bookshop.builder(manager).build();
            withFile(PLAIN).build();

            // distinct: LogCapture hears a dev.pgkeeper logger twice (its own appender and, by additivity, the root's)
            assertThat(log.lines().stream().filter(l -> l.contains("<environments>")).distinct())
                    .singleElement().satisfies(line -> {
                assertThat(line).startsWith("WARN ").contains(Bookshop.CONFIG).contains("(production, reporting)")
                        .contains("not used").contains("pgkeeper-");
                assertThat(line).as("nothing of the data sources' settings").doesNotContain("db.bookshop.invalid");
            });
        }
    }

    // --- files that cannot be read ---

    @Test
    void aMissingFileFailsTheBuildNamingIt() {
        DatabaseError e = buildFails(() -> withFile("bookshop/mybatis-confg.xml").build());

        assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION_ERROR);
        assertThat(e.getMessage()).contains("bookshop/mybatis-confg.xml").contains("not found");
        assertThat(e.context()).containsEntry("resource", "bookshop/mybatis-confg.xml");
    }

    @Test
    void anUnknownSettingFailsTheBuildNamingTheFileAndTheSetting() {
        DatabaseError e = buildFails(() -> withFile("configfile/unknown-setting.xml").build());

        assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION_ERROR);
        assertThat(e.getMessage()).contains("configfile/unknown-setting.xml").contains("mapUnderscoresToCamelCase");
        assertThat(e.context()).containsEntry("resource", "configfile/unknown-setting.xml");
        assertThat(e.getCause()).isInstanceOf(org.apache.ibatis.builder.BuilderException.class);
    }

    /**
     * A file MyBatis's parser rejects (not well-formed, or elements in an order the DTD does not allow) is named.
     * Once reported as "MyBatis could not read a mapper", without the file: the parser runs in XMLConfigBuilder's
     * constructor, which was outside the code that names the file.
     */
    @Test
    void aFileThatIsNotWellFormedOrNotValidFailsTheBuildNamingIt() {
        for (String file : new String[] {"configfile/not-well-formed.xml", "configfile/elements-out-of-order.xml"}) {
            DatabaseError e = buildFails(() -> withFile(file).build());

            assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION_ERROR);
            assertThat(e.getMessage()).contains(file);
            assertThat(e.context()).containsEntry("resource", file);
        }
    }

    // --- database id ---

    @Test
    void theDatabaseIdProviderSelectsThePostgresqlStatements() throws SQLException {
        MyBatisClient client = Bookshop.builder(manager).build();

        assertThat(client.sqlSessionFactory().getConfiguration().getDatabaseId()).isEqualTo("postgresql");
        assertThat(client.mapper(EventMapper.class).databaseDescription())
                .isEqualTo("postgresql " + Jdbc.queryLong(manager.dataSource(), "SHOW server_version_num"));
    }

    @Test
    void withoutADatabaseIdProviderTheStatementWithoutADatabaseIdIsUsed() {
        MyBatisClient client = withFile(PLAIN).build();

        assertThat(client.sqlSessionFactory().getConfiguration().getDatabaseId()).isNull();
        assertThat(client.mapper(EventMapper.class).databaseDescription()).isEqualTo("generic");
    }

    @Test
    void aDatabaseIdProviderNeedsTheManagerInitializedBeforeBuild() {
        try (ConnectionManager later = ConnectionManager.create(manager.config())) {
            DatabaseError e = buildFails(() -> Bookshop.builder(later).build());
            assertThat(e.code()).isEqualTo(ErrorCode.NOT_INITIALIZED);
            assertThat(withFile(PLAIN).connectionManager(later).build()).as("without a provider it is not needed").isNotNull();

            assertThat(later.initializeConnection().success()).isTrue();
            MyBatisClient client = Bookshop.builder(later).build();
            assertThat(client.mapper(EventMapper.class).databaseDescription()).startsWith("postgresql ");
        }
    }

    // --- defaultExecutorType ---

    @Test
    void aReuseExecutorFromTheFileServesStatementsOutsideATransaction() {
        MyBatisClient client = withFile("configfile/reuse-executor-config.xml").build();
        CustomerMapper customers = client.mapper(CustomerMapper.class);

        customers.insert(new Customer("grace@example.com", "Grace Hopper", "STANDARD"));

        assertThat(client.sqlSessionFactory().getConfiguration().getDefaultExecutorType()).isEqualTo(ExecutorType.REUSE);
        assertThat(customers.findByEmail("grace@example.com").getFullName()).isEqualTo("Grace Hopper");
    }

    /**
     * {@code defaultExecutorType=BATCH} in the file: a statement outside a transaction runs on a simple executor
     * (a batch one queued it and dropped it unsent when its session closed, once), a transaction batches as the
     * file asks and sends the batch at commit.
     */
    @Test
    void aBatchDefaultExecutorFromTheFileDoesNotLoseWritesOutsideATransaction() throws SQLException {
        MyBatisClient client = withFile("configfile/batch-executor-config.xml").build();
        CustomerMapper customers = client.mapper(CustomerMapper.class);

        int alone = customers.insert(new Customer("grace@example.com", "Grace Hopper", "STANDARD"));
        int batched = client.inTransaction(() -> customers.insert(new Customer("alan@example.com", "Alan Turing", "STANDARD")));

        assertThat(alone).as("outside a transaction: a simple executor, a real count").isEqualTo(1);
        assertThat(batched).as("in a transaction the file's batch executor queues it")
                .isEqualTo(org.apache.ibatis.executor.BatchExecutor.BATCH_UPDATE_RETURN_VALUE);
        assertThat(Jdbc.queryLong(manager.dataSource(),
                "SELECT count(*) FROM customers WHERE email IN ('grace@example.com', 'alan@example.com')")).isEqualTo(2);
    }
}
