/**
 * pgkeeper's MyBatis integration: {@link dev.pgkeeper.mybatis.MyBatisClient} and mapper-backed repositories.
 * Only {@code dev.pgkeeper.mybatis} is exported to everyone; {@code dev.pgkeeper.mybatis.internal} stays inside
 * the module, and {@code dev.pgkeeper.mybatis.internal.types} is exported to MyBatis alone.
 */
module dev.pgkeeper.mybatis {
    // The API takes and returns pgkeeper types (ConnectionManager, DatabaseError) ...
    requires transitive dev.pgkeeper.core;
    // ... and MyBatis types (SqlSessionFactory, Configuration, BatchResult, TransactionIsolationLevel).
    // MyBatis 3.5 publishes no module descriptor: an automatic module named in its manifest.
    requires transitive org.mybatis;

    requires dev.failsafe.core;
    // AbortAwareTransactionFactory asks pgjdbc (an automatic module) for the transaction state; the interval
    // type handler writes pgjdbc's PGobject.
    requires org.postgresql.jdbc;
    // ConfigurationFile warns when a mybatis-config.xml's <environments> are replaced.
    requires org.apache.logging.log4j;

    // No "opens": MyBatis reflects on no private member of this module. The transaction factory, the DataSource
    // and the type handlers are created here and called through MyBatis's and JDBC's interfaces; the mapper
    // proxies are JDK proxies of the application's own mapper interfaces.
    exports dev.pgkeeper.mybatis;
    // ... with one exception: postgresTypes() makes PgEnumTypeHandler the default enum handler, which MyBatis
    // instantiates per enum through its public constructor. That takes an export, to MyBatis only.
    exports dev.pgkeeper.mybatis.internal.types to org.mybatis;
}
