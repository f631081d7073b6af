/**
 * pgkeeper's Micrometer integration: {@link dev.pgkeeper.micrometer.ConnectionManagerMetrics}, a
 * {@code MeterBinder} for a {@link dev.pgkeeper.ConnectionManager}. Only {@code dev.pgkeeper.micrometer} is
 * exported.
 */
module dev.pgkeeper.micrometer {
    // The API takes a ConnectionManager and Micrometer's Tag, and is a MeterBinder.
    requires transitive dev.pgkeeper.core;
    // Micrometer 1.x publishes no module descriptor: an automatic module named in its manifest.
    requires transitive micrometer.core;
    // HikariCP's own Micrometer tracker (com.zaxxer.hikari.metrics.micrometer) publishes the pool meters.
    requires com.zaxxer.hikari;

    exports dev.pgkeeper.micrometer;
}
