package dev.pgkeeper.examples.tracker;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.mybatis.MyBatisClient;
import java.io.IOException;
import java.net.URI;

/**
 * The task tracker wired together: migrations, the MyBatis client with its mappers, the service, and the
 * HTTP API. It uses a connection manager it does not own: closing the app stops the HTTP server only.
 */
public final class TrackerApp implements AutoCloseable {

    private final MyBatisClient client;
    private final TrackerService service;
    private final ApiServer api;

    private TrackerApp(MyBatisClient client, TrackerService service, ApiServer api) {
        this.client = client;
        this.service = service;
        this.api = api;
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
        return new TrackerApp(client, service, ApiServer.start(service, manager, host, port));
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
    }
}
