package dev.pgkeeper.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.examples.tracker.TrackerApp;
import dev.pgkeeper.examples.tracker.TrackerService;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.PostgresExtension;
import dev.pgkeeper.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The tracker's rules hold when many clients race through the HTTP API at once: the open-task limit is
 * never exceeded and a task is completed exactly once, and the project's counter matches the rows.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrackerConcurrencyIT {

    private static final int RACERS = 50;

    private ConnectionManager manager;
    private TrackerApp app;
    private Http http;
    private ExecutorService clients;

    @BeforeAll
    void start(TestDatabase db) throws Exception {
        manager = ConnectionManager.create(DatabaseConfig.builder().url(db.url()).build());
        assertThat(manager.initializeConnection().success()).isTrue();
        app = TrackerApp.start(manager, 0);
        http = new Http(app.baseUri());
        clients = Executors.newFixedThreadPool(RACERS);
    }

    @AfterAll
    void stop() {
        clients.shutdownNow();
        app.close();
        manager.disconnect();
    }

    @Test
    void racingForTheLastOpenSlotLetsExactlyOneIn() throws Exception {
        long owner = http.post("/users", "{\"email\":\"race@example.com\",\"name\":\"Racer\"}").json().get("id").asLong();
        long project = http.post("/projects", "{\"ownerId\":" + owner + ",\"name\":\"Full\"}").json().get("id").asLong();
        for (int i = 0; i < TrackerService.MAX_OPEN_TASKS - 1; i++) {
            assertThat(http.post("/projects/" + project + "/tasks", "{\"title\":\"task " + i + "\"}").status()).isEqualTo(201);
        }

        // Each insert takes 20 ms longer, so that racers really overlap between reading the count and writing.
        slowDown("INSERT");

        Map<Integer, Long> statuses = race(i -> () -> http.post("/projects/" + project + "/tasks",
                "{\"title\":\"racer " + i + "\"}").status());

        assertThat(statuses).containsExactlyInAnyOrderEntriesOf(Map.of(201, 1L, 409, (long) RACERS - 1));
        assertThat(http.get("/projects/" + project).json().get("openTasks").asInt()).isEqualTo(TrackerService.MAX_OPEN_TASKS);
        assertThat(Jdbc.queryLong(manager.dataSource(),
                "SELECT count(*) FROM tasks WHERE status = 'OPEN' AND project_id = " + project))
                .isEqualTo(TrackerService.MAX_OPEN_TASKS);
        assertThat(manager.getConnectionStatus().pool().active()).isZero();
    }

    @Test
    void racingToCompleteOneTaskCompletesItOnce() throws Exception {
        long owner = http.post("/users", "{\"email\":\"done@example.com\",\"name\":\"Finisher\"}").json().get("id").asLong();
        long project = http.post("/projects", "{\"ownerId\":" + owner + ",\"name\":\"Once\"}").json().get("id").asLong();
        long task = http.post("/projects/" + project + "/tasks", "{\"title\":\"only once\"}").json().get("id").asLong();
        http.post("/projects/" + project + "/tasks", "{\"title\":\"stays open\"}");

        slowDown("UPDATE");

        Map<Integer, Long> statuses = race(i -> () -> http.post("/tasks/" + task + "/complete", "").status());

        assertThat(statuses).containsExactlyInAnyOrderEntriesOf(Map.of(200, 1L, 409, (long) RACERS - 1));
        assertThat(http.get("/projects/" + project).json().get("openTasks").asInt()).isEqualTo(1);
        assertThat(manager.getConnectionStatus().pool().active()).isZero();
    }

    @AfterEach
    void fullSpeed() throws Exception {
        Jdbc.execute(manager.dataSource(), "DROP TRIGGER IF EXISTS slow_down ON tasks");
    }

    private void slowDown(String operation) throws Exception {
        Jdbc.execute(manager.dataSource(), "CREATE OR REPLACE FUNCTION slow_down() RETURNS trigger LANGUAGE plpgsql"
                + " AS $$ BEGIN PERFORM pg_sleep(0.02); RETURN NEW; END $$");
        Jdbc.execute(manager.dataSource(), "CREATE TRIGGER slow_down BEFORE " + operation
                + " ON tasks FOR EACH ROW EXECUTE FUNCTION slow_down()");
    }

    /** Starts {@link #RACERS} requests at one instant and counts the statuses they answer. */
    private Map<Integer, Long> race(Function<Integer, Callable<Integer>> request) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> replies = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            Callable<Integer> call = request.apply(i);
            replies.add(clients.submit(() -> {
                go.await();
                return call.call();
            }));
        }
        go.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> reply : replies) {
            statuses.add(reply.get());
        }
        return statuses.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
    }
}
