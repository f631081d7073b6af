package dev.pgkeeper.examples.tracker;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.HealthStatus;
import dev.pgkeeper.SystemHealthResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The tracker's JSON API on the JDK's built-in HTTP server, and health endpoints in MicroProfile Health's
 * shape: {@code GET /health} (everything), {@code /health/ready} (the database) and {@code /health/live} (the
 * process), each 200 when UP and 503 when DOWN; {@code GET /metrics} serves the metrics in Prometheus text format
 * when the app was given a scrape.
 *
 * <p>Errors are JSON, {@code {"error":{"code":...,"message":...,"temporary":...}}}, never a stack trace: a
 * malformed or invalid body is 400, a body that is not JSON 415, a too large one 413, something missing 404,
 * a wrong method 405, a broken rule 409; a database failure is 503 (temporary, with {@code Retry-After}) or
 * 500 (permanent), with its pgkeeper error code and a generic message: the details, which name hosts and
 * statements, go to the log, not to clients.
 *
 * <p>Thread-safe.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(ApiServer.class);
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = strictMapper();

    /** Request bodies. */
    record NewUser(String email, String name) { }

    record NewProject(Long ownerId, String name) { }

    record NewTask(String title, Long assigneeId) { }

    /** A handled request's outcome. */
    private record Reply(int status, Object body, Map<String, String> headers) {
        Reply(int status, Object body) {
            this(status, body, Map.of());
        }
    }

    @FunctionalInterface
    private interface Handler {
        Reply handle(Matcher path, HttpExchange exchange) throws IOException;
    }

    private record Route(String method, Pattern path, Handler handler) { }

    /** A body sent as it is, not as JSON. */
    private record Text(String contentType, String text) { }

    /**
     * Where {@code GET /metrics} takes its body.
     *
     * @param contentType the body's media type
     * @param scrape      the metrics now
     */
    public record Metrics(String contentType, java.util.function.Supplier<String> scrape) { }

    private final HttpServer server;
    private final ExecutorService workers;
    private final List<Route> routes;

    private ApiServer(TrackerService tracker, ConnectionManager manager, Metrics metrics, InetSocketAddress address)
            throws IOException {
        List<Route> all = new ArrayList<>(List.of(
                new Route("POST", Pattern.compile("/users"), (m, x) -> {
                    NewUser body = read(x, NewUser.class);
                    return new Reply(201, tracker.register(body.email(), body.name()));
                }),
                new Route("GET", Pattern.compile("/users/(\\d+)"), (m, x) -> new Reply(200, tracker.user(id(m, "user")))),
                new Route("POST", Pattern.compile("/projects"), (m, x) -> {
                    NewProject body = read(x, NewProject.class);
                    if (body.ownerId() == null) {
                        throw new TrackerException(TrackerException.Reason.INVALID, "ownerId is required");
                    }
                    return new Reply(201, tracker.createProject(body.ownerId(), body.name()));
                }),
                new Route("GET", Pattern.compile("/projects/(\\d+)"),
                        (m, x) -> new Reply(200, tracker.project(id(m, "project")))),
                new Route("POST", Pattern.compile("/projects/(\\d+)/tasks"), (m, x) -> {
                    NewTask body = read(x, NewTask.class);
                    return new Reply(201, tracker.addTask(id(m, "project"), body.title(), body.assigneeId()));
                }),
                new Route("GET", Pattern.compile("/projects/(\\d+)/tasks"), (m, x) -> {
                    Map<String, String> q = query(x.getRequestURI());
                    Task.Status status = q.containsKey("status") ? status(q.get("status")) : null;
                    return new Reply(200, tracker.tasks(id(m, "project"), status, integer(q, "page", 0),
                            integer(q, "size", 20)));
                }),
                new Route("POST", Pattern.compile("/tasks/(\\d+)/complete"),
                        (m, x) -> new Reply(200, tracker.completeTask(id(m, "task")))),
                new Route("GET", Pattern.compile("/health"), (m, x) -> health(manager.checkSystemHealth(), true, true)),
                new Route("GET", Pattern.compile("/health/ready"),
                        (m, x) -> health(manager.checkSystemHealth(), true, false)),
                new Route("GET", Pattern.compile("/health/live"), (m, x) -> new Reply(200, HealthReport.live()))));
        if (metrics != null) {
            all.add(new Route("GET", Pattern.compile("/metrics"),
                    (m, x) -> new Reply(200, new Text(metrics.contentType(), metrics.scrape().get()))));
        }
        this.routes = List.copyOf(all);
        AtomicInteger count = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "tracker-http-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(address, 64);
        server.createContext("/", this::dispatch);
        server.setExecutor(workers);
    }

    /**
     * Starts serving on {@code host:port} (port 0 for any free one).
     *
     * @throws IOException when the address cannot be bound (in use, not local)
     */
    public static ApiServer start(TrackerService tracker, ConnectionManager manager, String host, int port)
            throws IOException {
        return start(tracker, manager, null, host, port);
    }

    /**
     * Starts serving on {@code host:port} (port 0 for any free one), with {@code GET /metrics} when {@code metrics}
     * is not {@code null}.
     *
     * @throws IOException when the address cannot be bound (in use, not local)
     */
    public static ApiServer start(TrackerService tracker, ConnectionManager manager, Metrics metrics, String host,
                                  int port) throws IOException {
        ApiServer api = new ApiServer(tracker, manager, metrics, new InetSocketAddress(host, port));
        api.server.start();
        return api;
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Where it listens, e.g. {@code http://127.0.0.1:8080}. */
    public URI baseUri() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + port());
    }

    /** Stops taking requests, gives running ones up to a second, and stops the workers. */
    @Override
    public void close() {
        server.stop(1);
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The JSON mapper the API uses: Java time as ISO-8601 strings, and strict about what it reads. */
    public static ObjectMapper json() {
        return JSON;
    }

    private static ObjectMapper strictMapper() {
        ObjectMapper mapper = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        // No silent conversions: 1.7 is not an id, 123 is not a name.
        for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.Integer,
                CoercionInputShape.Float, CoercionInputShape.Boolean}) {
            mapper.coercionConfigDefaults().setCoercion(shape, CoercionAction.Fail);
        }
        return mapper;
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            Reply reply;
            try {
                reply = route(exchange);
            } catch (HttpProblem e) {
                reply = error(e.status, e.code, e.getMessage(), false);
            } catch (TrackerException e) {
                reply = error(switch (e.reason()) {
                    case NOT_FOUND -> 404;
                    case CONFLICT -> 409;
                    case INVALID -> 400;
                }, e.reason().name(), e.getMessage(), false);
            } catch (DatabaseError e) {
                LOG.warn("{} {} failed: {} [{}]", exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        e.getMessage(), e.code());
                reply = e.isTemporary()
                        ? error(503, e.code().name(), "The database is unavailable right now; retry shortly", true)
                        : error(500, e.code().name(), "The request failed on a database error; see the server log", false);
            } catch (UnrecognizedPropertyException e) {
                reply = error(400, "INVALID", "Unknown field '" + e.getPropertyName() + "'", false);
            } catch (MismatchedInputException e) {
                reply = error(400, "INVALID", e.getPath().isEmpty() ? "A JSON object is required as the body"
                        : "Field '" + e.getPath().get(e.getPath().size() - 1).getFieldName() + "' has the wrong type", false);
            } catch (JsonParseException e) {
                reply = error(400, "MALFORMED_JSON", "Malformed JSON at line " + e.getLocation().getLineNr()
                        + ", column " + e.getLocation().getColumnNr(), false);
            } catch (JsonProcessingException e) {
                reply = error(400, "MALFORMED_JSON", "The body is not valid JSON", false);
            } catch (RuntimeException e) {
                LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
                reply = error(500, "INTERNAL_ERROR", "The request failed; see the server log", false);
            }
            send(exchange, reply);
        }
    }

    private Reply route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        String asked = method.equals("HEAD") ? "GET" : method;
        List<String> allowed = new ArrayList<>();
        for (Route r : routes) {
            Matcher m = r.path().matcher(path);
            if (m.matches()) {
                allowed.add(r.method());
                if (r.method().equals(asked)) {
                    return r.handler().handle(m, exchange);
                }
            }
        }
        if (allowed.isEmpty()) {
            return error(404, "NOT_FOUND", "No such resource: " + path, false);
        }
        Reply refused = error(405, "METHOD_NOT_ALLOWED", method + " is not allowed on " + path, false);
        return new Reply(405, refused.body(), Map.of("Allow", String.join(", ", allowed)));
    }

    private static Reply health(SystemHealthResult health, boolean database, boolean jvm) {
        return new Reply(health.status() == HealthStatus.UP ? 200 : 503, HealthReport.of(health, database, jvm));
    }

    private static <T> T read(HttpExchange exchange, Class<T> type) throws IOException {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new HttpProblem(415, "UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json");
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new HttpProblem(413, "TOO_LARGE", "The body is larger than " + MAX_BODY_BYTES + " bytes");
            }
            if (body.length == 0) {
                throw new TrackerException(TrackerException.Reason.INVALID, "A JSON object is required as the body");
            }
            T value = JSON.readValue(body, type);
            if (value == null) {
                throw new TrackerException(TrackerException.Reason.INVALID, "A JSON object is required as the body");
            }
            return value;
        }
    }

    /** A request the HTTP layer refuses before the tracker sees it. */
    private static final class HttpProblem extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String code;

        HttpProblem(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    private static long id(Matcher m, String what) {
        try {
            return Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new TrackerException(TrackerException.Reason.NOT_FOUND, "No such " + what); // beyond any id
        }
    }

    private static Task.Status status(String value) {
        try {
            return Task.Status.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new TrackerException(TrackerException.Reason.INVALID, "status must be OPEN or DONE");
        }
    }

    private static int integer(Map<String, String> query, String name, int fallback) {
        String value = query.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new TrackerException(TrackerException.Reason.INVALID, name + " must be a whole number");
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> params = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return params;
    }

    private static Reply error(int status, String code, String message, boolean temporary) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        error.put("temporary", temporary);
        return new Reply(status, Map.of("error", error));
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        int status = reply.status();
        byte[] body;
        if (reply.body() instanceof Text text) {
            body = text.text().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", text.contentType());
        } else {
            body = JSON.writeValueAsBytes(reply.body());
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        }
        reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        if (status == 503) {
            exchange.getResponseHeaders().set("Retry-After", "1");
        }
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public String toString() {
        return "ApiServer[" + baseUri() + "]";
    }
}
