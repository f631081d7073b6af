package dev.pgkeeper.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.examples.tracker.TrackerApp;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.LogCapture;
import dev.pgkeeper.testing.PostgresExtension;
import dev.pgkeeper.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A permanent database error (the schema changed under the running app) answers 500 with its code, no SQL. */
@ExtendWith(PostgresExtension.class)
class TrackerDatabaseErrorIT {

    @Test
    void aMissingTableIs500WithTheCodeAndTheDetailsOnlyInTheLog(TestDatabase db) throws Exception {
        try (ConnectionManager manager = ConnectionManager.create(DatabaseConfig.builder().url(db.url()).build())) {
            assertThat(manager.initializeConnection().success()).isTrue();
            try (TrackerApp app = TrackerApp.start(manager, 0); LogCapture log = LogCapture.start()) {
                Http http = new Http(app.baseUri());
                long owner = http.post("/users", "{\"email\":\"e@example.com\",\"name\":\"E\"}").json().get("id").asLong();
                long project = http.post("/projects", "{\"ownerId\":" + owner + ",\"name\":\"P\"}").json().get("id").asLong();
                Jdbc.execute(manager.dataSource(), "ALTER TABLE tasks RENAME TO tasks_moved_away");

                Http.Reply reply = http.get("/projects/" + project + "/tasks");

                assertThat(reply.status()).isEqualTo(500);
                assertThat(reply.json().at("/error/code").asText()).isEqualTo("SCHEMA_ERROR");
                assertThat(reply.json().at("/error/temporary").asBoolean()).isFalse();
                assertThat(reply.body()).doesNotContain("tasks").doesNotContain("SELECT").doesNotContain("\tat ");
                assertThat(log.text()).contains("relation \"tasks\" does not exist");
                assertThat(manager.getConnectionStatus().pool().active()).isZero();
                assertThat(manager.isConnected()).isTrue();
            }
        }
    }
}
