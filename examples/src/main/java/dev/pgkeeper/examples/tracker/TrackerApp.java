package dev.pgkeeper.examples.tracker;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.micrometer.ConnectionManagerMetrics;
import dev.pgkeeper.mybatis.MyBatisClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;

/**
 * The task tracker wired together: migrations, the MyBatis client with its mappers, the service, and the
 * HTTP API, with the manager's metrics (pgkeeper-micrometer) served at {@code GET /metrics} in Prometheus text
 * format. It uses a connection manager it does not own: closing the app stops the HTTP server and unbinds the
 * metrics only.
 */
public final class TrackerApp implements AutoCloseable {

    private final MyBatisClient client;
    private final TrackerService service;
    private final ApiServer api;
    private final ConnectionManagerMetrics metrics;

    private TrackerApp(MyBatisClient client, TrackerService service, ApiServer api, ConnectionManagerMetrics metrics) {
        this.client = client;
        this.service = service;
        this.api = api;
        this.metrics = metrics;
    }

    /**
     * Migrates the schema and starts serving on {@code port} (0 for any free one). The manager must be
     * initialized.
     *
     * @throws dev.pgkeeper.DatabaseError when the schema cannot be brought up to date
     */
    public static TrackerApp start(ConnectionManager manager, int port) throws IOException {
        return start(manager, "127.0.0.1", port);
    }

    /** {@link #start(ConnectionManager, int)} on another address, e.g. {@code 0.0.0.0} in a container. */
    public static TrackerApp start(ConnectionManager manager, String host, int port) throws IOException {
        Migrations.apply(manager);
        MyBatisClient client = client(manager);
        TrackerService service = new TrackerService(client);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ConnectionManagerMetrics metrics = new ConnectionManagerMetrics(manager);
        metrics.bindTo(registry);
        try {
            return new TrackerApp(client, service, ApiServer.start(service, manager,
                    new ApiServer.Metrics("text/plain; version=0.0.4; charset=utf-8", registry::scrape), host, port),
                    metrics);
        } catch (IOException | RuntimeException e) {
            metrics.close();
            throw e;
        }
    }

    /** The MyBatis client with the tracker's mappers. */
    public static MyBatisClient client(ConnectionManager manager) {
        return MyBatisClient.builder()
                .connectionManager(manager)
                .addMapper(UserMapper.class)
                .addMapper(ProjectMapper.class)
                .addMapperResource("mappers/TaskMapper.xml")
                .build();
    }

    /** The business rules, for programs that use them without HTTP. */
    public TrackerService service() {
        return service;
    }

    /** The MyBatis client. */
    public MyBatisClient client() {
        return client;
    }

    /** Where the API listens. */
    public URI baseUri() {
        return api.baseUri();
    }

    @Override
    public void close() {
        api.close();
        metrics.close();
    }
}
