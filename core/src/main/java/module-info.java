/**
 * pgkeeper core: {@link dev.pgkeeper.ConnectionManager}, its configuration, results and errors. Only
 * {@code dev.pgkeeper} is exported; {@code dev.pgkeeper.internal.*} stays inside the module.
 */
module dev.pgkeeper.core {
    // The API hands out javax.sql.DataSource (and so java.sql.Connection and SQLException).
    requires transitive java.sql;
    // ConnectionManager reports heap usage in checkSystemHealth().
    requires java.management;

    // ConnectionManager.addPoolMetricsTracker takes HikariCP's MetricsTrackerFactory.
    requires transitive com.zaxxer.hikari;
    requires dev.failsafe.core;
    requires org.apache.logging.log4j;
    // pgjdbc 42.7 publishes no module descriptor: an automatic module named in its manifest.
    requires org.postgresql.jdbc;

    exports dev.pgkeeper;
}
