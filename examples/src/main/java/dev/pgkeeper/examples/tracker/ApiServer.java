package dev.pgkeeper.examples.tracker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
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
 * The tracker's JSON API on the JDK's built-in HTTP server, and {@code GET /health}.
 *
 * <p>Errors are JSON, {@code {"error":{"code":...,"message":...,"temporary":...}}}, never a stack trace: a
 * malformed body or an invalid value is 400, something missing 404, a broken rule 409, a temporary database
 * failure 503 (with {@code Retry-After}) and a permanent one 500. Database messages come from pgkeeper, which
 * never includes a password.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(ApiServer.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /** Request bodies. */
    record NewUser(String email, String name) { }

    record NewProject(Long ownerId, String name) { }

    record NewTask(String title, Long assigneeId) { }

    /** A handled request's outcome. */
    private record Reply(int status, Object body) { }

    @FunctionalInterface
    private interface Handler {
        Reply handle(Matcher path, HttpExchange exchange) throws IOException;
    }

    private record Route(String method, Pattern path, Handler handler) { }

    private final TrackerService tracker;
    private final ConnectionManager manager;
    private final HttpServer server;
    private final ExecutorService workers;
    private final List<Route> routes;

    private ApiServer(TrackerService tracker, ConnectionManager manager, int port) throws IOException {
        this.tracker = tracker;
        this.manager = manager;
        this.routes = List.of(
                new Route("POST", Pattern.compile("/users"), (m, x) -> {
                    NewUser body = read(x, NewUser.class);
                    return new Reply(201, tracker.register(body.email(), body.name()));
                }),
                new Route("GET", Pattern.compile("/users/(\\d+)"), (m, x) -> new Reply(200, tracker.user(id(m)))),
                new Route("POST", Pattern.compile("/projects"), (m, x) -> {
                    NewProject body = read(x, NewProject.class);
                    if (body.ownerId() == null) {
                        throw new TrackerException(TrackerException.Reason.INVALID, "ownerId is required");
                    }
                    return new Reply(201, tracker.createProject(body.ownerId(), body.name()));
                }),
                new Route("GET", Pattern.compile("/projects/(\\d+)"), (m, x) -> new Reply(200, tracker.project(id(m)))),
                new Route("POST", Pattern.compile("/projects/(\\d+)/tasks"), (m, x) -> {
                    NewTask body = read(x, NewTask.class);
                    return new Reply(201, tracker.addTask(id(m), body.title(), body.assigneeId()));
                }),
                new Route("GET", Pattern.compile("/projects/(\\d+)/tasks"), (m, x) -> {
                    Map<String, String> q = query(x.getRequestURI());
                    Task.Status status = q.containsKey("status") ? status(q.get("status")) : null;
                    return new Reply(200, tracker.tasks(id(m), status, integer(q, "page", 0), integer(q, "size", 20)));
                }),
                new Route("POST", Pattern.compile("/tasks/(\\d+)/complete"), (m, x) -> new Reply(200, tracker.completeTask(id(m)))),
                new Route("GET", Pattern.compile("/health"), (m, x) -> {
                    SystemHealthResult health = manager.checkSystemHealth();
                    return new Reply(health.status() == HealthStatus.UP ? 200 : 503, HealthReport.of(health));
                }));
        AtomicInteger count = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "tracker-http-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/", this::dispatch);
        server.setExecutor(workers);
    }

    /** Starts serving on 127.0.0.1:{@code port} (0 for any free port). */
    public static ApiServer start(TrackerService tracker, ConnectionManager manager, int port) throws IOException {
        ApiServer api = new ApiServer(tracker, manager, port);
        api.server.start();
        return api;
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Where it listens, e.g. {@code http://127.0.0.1:8080}. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port());
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

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            Reply reply;
            try {
                reply = route(exchange);
            } catch (TrackerException e) {
                reply = error(switch (e.reason()) {
                    case NOT_FOUND -> 404;
                    case CONFLICT -> 409;
                    case INVALID -> 400;
                }, e.reason().name(), e.getMessage(), false);
            } catch (DatabaseError e) {
                LOG.warn("{} {} failed: {} [{}]", exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        e.getMessage(), e.code());
                reply = error(e.isTemporary() ? 503 : 500, e.code().name(), e.getMessage(), e.isTemporary());
            } catch (JsonProcessingException e) {
                reply = error(400, "MALFORMED_JSON", describe(e), false);
            } catch (RuntimeException e) {
                LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
                reply = error(500, "INTERNAL_ERROR", "The request failed; see the server log", false);
            }
            send(exchange, reply);
        }
    }

    private Reply route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        boolean pathKnown = false;
        for (Route r : routes) {
            Matcher m = r.path().matcher(path);
            if (m.matches()) {
                pathKnown = true;
                if (r.method().equals(exchange.getRequestMethod())) {
                    return r.handler().handle(m, exchange);
                }
            }
        }
        return pathKnown
                ? error(405, "METHOD_NOT_ALLOWED", exchange.getRequestMethod() + " is not allowed on " + path, false)
                : error(404, "NOT_FOUND", "No such resource: " + path, false);
    }

    private static <T> T read(HttpExchange exchange, Class<T> type) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            T body = JSON.readValue(in, type);
            if (body == null) {
                throw new TrackerException(TrackerException.Reason.INVALID, "a JSON object is required");
            }
            return body;
        }
    }

    /** Jackson's message without the echo of the input it quotes (which could hold anything the client sent). */
    private static String describe(JsonProcessingException e) {
        String what = e instanceof MismatchedInputException ? "Unexpected JSON content" : "Malformed JSON";
        return e.getLocation() == null ? what
                : what + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    private static long id(Matcher m) {
        return Long.parseLong(m.group(1));
    }

    private static Task.Status status(String value) {
        try {
            return Task.Status.valueOf(value.toUpperCase(java.util.Locale.ROOT));
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
        byte[] body = JSON.writeValueAsBytes(reply.body());
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        if (reply.status() == 503) {
            exchange.getResponseHeaders().set("Retry-After", "1");
        }
        exchange.sendResponseHeaders(reply.status(), body.length);
        exchange.getResponseBody().write(body);
    }

    /** The shared JSON mapper (Java time as ISO-8601 strings). */
    public static ObjectMapper json() {
        return JSON;
    }
}
