package dev.pgkeeper.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.examples.tracker.TrackerApp;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.PostgresExtension;
import dev.pgkeeper.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The tracker's HTTP API end to end: JDK HttpClient, JDK HttpServer, pgkeeper, real PostgreSQL. */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrackerApiIT {

    private ConnectionManager manager;
    private TrackerApp app;
    private Http http;
    private final List<String> bodies = new ArrayList<>();

    @BeforeAll
    void start(TestDatabase db) throws Exception {
        manager = ConnectionManager.create(DatabaseConfig.builder().url(db.url()).build());
        assertThat(manager.initializeConnection().success()).isTrue();
        app = TrackerApp.start(manager, 0);
        http = new Http(app.baseUri());
    }

    @AfterEach
    void noStackTraceInAnyBody() {
        assertThat(bodies).noneMatch(b -> b.contains("\tat ") || b.contains("Exception"));
        assertThat(manager.getConnectionStatus().pool().active()).isZero();
    }

    @AfterAll
    void stop() {
        app.close();
        manager.disconnect();
    }

    private Http.Reply remember(Http.Reply reply) {
        bodies.add(reply.body());
        return reply;
    }

    @Test
    void usersProjectsAndTasks() throws Exception {
        Http.Reply user = remember(http.post("/users", "{\"email\":\"Grace@Example.com\",\"name\":\"Grace Hopper\"}"));
        assertThat(user.status()).isEqualTo(201);
        long userId = user.json().get("id").asLong();
        assertThat(user.json().get("email").asText()).isEqualTo("grace@example.com");

        assertThat(remember(http.get("/users/" + userId)).json().get("name").asText()).isEqualTo("Grace Hopper");

        Http.Reply project = remember(http.post("/projects", "{\"ownerId\":" + userId + ",\"name\":\"COBOL\"}"));
        assertThat(project.status()).isEqualTo(201);
        long projectId = project.json().get("id").asLong();

        Http.Reply first = remember(http.post("/projects/" + projectId + "/tasks", "{\"title\":\"Write the compiler\",\"assigneeId\":" + userId + "}"));
        Http.Reply second = remember(http.post("/projects/" + projectId + "/tasks", "{\"title\":\"Find the moth\"}"));
        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(201);

        Http.Reply done = remember(http.post("/tasks/" + second.json().get("id").asLong() + "/complete", ""));
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.json().get("status").asText()).isEqualTo("DONE");
        assertThat(done.json().get("completedAt").isNull()).isFalse();

        Http.Reply again = remember(http.post("/tasks/" + second.json().get("id").asLong() + "/complete", ""));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().at("/error/code").asText()).isEqualTo("CONFLICT");

        Http.Reply all = remember(http.get("/projects/" + projectId + "/tasks"));
        Http.Reply open = remember(http.get("/projects/" + projectId + "/tasks?status=open"));
        assertThat(all.json()).hasSize(2);
        assertThat(open.json()).hasSize(1);
        assertThat(remember(http.get("/projects/" + projectId)).json().get("openTasks").asInt()).isEqualTo(1);
    }

    @Test
    void businessRulesAnswer4xx() throws Exception {
        remember(http.post("/users", "{\"email\":\"dup@example.com\",\"name\":\"First\"}"));

        Http.Reply duplicate = remember(http.post("/users", "{\"email\":\"dup@example.com\",\"name\":\"Second\"}"));
        Http.Reply badEmail = remember(http.post("/users", "{\"email\":\"not-an-email\",\"name\":\"X\"}"));
        Http.Reply missing = remember(http.get("/users/987654321"));
        Http.Reply noProject = remember(http.post("/projects/987654321/tasks", "{\"title\":\"x\"}"));

        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(badEmail.status()).isEqualTo(400);
        assertThat(badEmail.json().at("/error/code").asText()).isEqualTo("INVALID");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(noProject.status()).isEqualTo(404);
    }

    @Test
    void malformedJsonIs400() throws Exception {
        Http.Reply reply = remember(http.post("/users", "{\"email\": \"a@b.c\", \"name\": "));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().at("/error/code").asText()).isEqualTo("MALFORMED_JSON");
        assertThat(reply.json().at("/error/temporary").asBoolean()).isFalse();
    }

    @Test
    void unknownRoutesAre404AndWrongMethods405() throws Exception {
        Http.Reply unknown = remember(http.get("/nope"));
        Http.Reply wrongMethod = remember(http.delete("/users"));

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().at("/error/code").asText()).isEqualTo("NOT_FOUND");
        assertThat(wrongMethod.status()).isEqualTo(405);
    }

    @Test
    void healthIsUpInMicroProfileShape() throws Exception {
        Http.Reply health = remember(http.get("/health"));

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("UP");
        assertThat(health.json().at("/checks/0/name").asText()).isEqualTo("database");
        assertThat(health.json().at("/checks/0/status").asText()).isEqualTo("UP");
        assertThat(health.json().at("/checks/0/data/serverVersion").asText()).isNotBlank();
        assertThat(health.json().at("/checks/1/name").asText()).isEqualTo("jvm");
    }

    @Test
    void bodiesAreReadStrictly() throws Exception {
        long user = remember(http.post("/users", "{\"email\":\"strict@example.com\",\"name\":\"Strict\"}"))
                .json().get("id").asLong();

        Http.Reply floatId = remember(http.post("/projects", "{\"ownerId\":" + user + ".7,\"name\":\"P\"}"));
        Http.Reply numberAsName = remember(http.post("/users", "{\"email\":\"n@example.com\",\"name\":123}"));
        Http.Reply unknownField = remember(http.post("/users", "{\"email\":\"u@example.com\",\"name\":\"U\",\"admin\":true}"));
        Http.Reply trailing = remember(http.post("/users", "{\"email\":\"t@example.com\",\"name\":\"T\"} {}"));
        Http.Reply array = remember(http.post("/users", "[]"));
        Http.Reply empty = remember(http.send("POST", "/users", "application/json", ""));
        Http.Reply nul = remember(http.post("/users", "{\"email\":\"z@example.com\",\"name\":\"A\\u0000B\"}"));

        assertThat(floatId.status()).isEqualTo(400);
        assertThat(floatId.json().at("/error/message").asText()).contains("ownerId");
        assertThat(numberAsName.status()).isEqualTo(400);
        assertThat(numberAsName.json().at("/error/message").asText()).contains("name");
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.json().at("/error/message").asText()).contains("admin");
        assertThat(trailing.status()).isEqualTo(400);
        assertThat(array.status()).isEqualTo(400);
        assertThat(empty.status()).isEqualTo(400);
        assertThat(nul.status()).isEqualTo(400);
        assertThat(remember(http.get("/users/" + user)).status()).isEqualTo(200);
        assertThat(count("users WHERE email IN ('n@example.com', 'u@example.com', 't@example.com', 'z@example.com')"))
                .isZero();
    }

    @Test
    void theHttpLayerRefusesWhatItCannotServe() throws Exception {
        Http.Reply textPlain = remember(http.send("POST", "/users", "text/plain", "{\"email\":\"p@example.com\",\"name\":\"P\"}"));
        Http.Reply tooLarge = remember(http.post("/users", "{\"email\":\"big@example.com\",\"name\":\"" + "x".repeat(70_000) + "\"}"));
        Http.Reply hugeId = remember(http.get("/users/99999999999999999999999"));
        Http.Reply pageOverflow = remember(http.get("/projects/1/tasks?page=99999999999"));
        Http.Reply pageTooFar = remember(http.get("/projects/1/tasks?page=10001"));
        Http.Reply wrongMethod = remember(http.delete("/users"));

        assertThat(textPlain.status()).isEqualTo(415);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(hugeId.status()).isEqualTo(404);
        assertThat(pageOverflow.status()).isEqualTo(400);
        assertThat(pageTooFar.status()).isEqualTo(400);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void headAndTheReadinessAndLivenessEndpoints() throws Exception {
        Http.Reply head = http.send("HEAD", "/health", null, null);
        Http.Reply ready = remember(http.get("/health/ready"));
        Http.Reply live = remember(http.get("/health/live"));

        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("checks")).hasSize(1);
        assertThat(ready.json().at("/checks/0/name").asText()).isEqualTo("database");
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.json().get("status").asText()).isEqualTo("UP");
    }

    private long count(String fromWhere) throws Exception {
        return Jdbc.queryLong(manager.dataSource(), "SELECT count(*) FROM " + fromWhere);
    }
}
