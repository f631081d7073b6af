package dev.pgkeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Property 9: the result records keep their documented shape. A change here is a breaking API change and
 * must be deliberate (update this test and the CHANGELOG together).
 */
class RecordShapesTest {

    @Test
    void connectionResult() {
        assertShape(ConnectionResult.class, "boolean success", "int attempts", "Duration duration",
                "DatabaseError error");
    }

    @Test
    void connectionStatus() {
        assertShape(ConnectionStatus.class, "boolean connected", "ConnectionPhase phase", "Instant lastConnectedAt",
                "ErrorCode lastErrorCode", "String lastErrorMessage", "int retryCount", "boolean reconnectScheduled",
                "PoolStats pool", "String url");
    }

    @Test
    void poolStats() {
        assertShape(PoolStats.class, "int active", "int idle", "int total", "int waiting", "int max");
    }

    @Test
    void validationResult() {
        assertShape(ValidationResult.class, "boolean valid", "List errors", "List warnings");
    }

    @Test
    void databaseHealthResult() {
        assertShape(DatabaseHealthResult.class, "HealthStatus status", "Instant checkedAt", "long latencyMillis",
                "PoolStats pool", "String serverVersion", "ServerRole role", "ErrorCode errorCode",
                "String errorMessage");
    }

    @Test
    void systemHealthResult() {
        assertShape(SystemHealthResult.class, "HealthStatus status", "DatabaseHealthResult database",
                "long uptimeMillis", "long heapUsedBytes", "long heapCommittedBytes", "long heapMaxBytes",
                "Instant timestamp");
    }

    @Test
    void hostStatus() {
        assertShape(HostStatus.class, "String host", "boolean reachable", "ServerRole role", "Duration replayLag",
                "boolean servesWrites", "boolean servesReads", "Instant checkedAt", "ErrorCode error");
    }

    @Test
    void connectionEvent() {
        assertShape(ConnectionEvent.class, "Type type", "ConnectionPhase phase", "Instant at", "int attempt",
                "Duration nextDelay", "DatabaseError error");
    }

    @Test
    void databaseErrorCarriesTheFourFacts() {
        DatabaseError e = new DatabaseError(ErrorCode.NETWORK_ERROR, "down", List.of("start it"),
                java.util.Map.of("host", "db:5432"), null);

        assertThat(e.getMessage()).isEqualTo("down");
        assertThat(e.code()).isEqualTo(ErrorCode.NETWORK_ERROR);
        assertThat(e.kind()).isEqualTo(ErrorKind.TEMPORARY);
        assertThat(e.troubleshootingSteps()).containsExactly("start it");
        assertThat(e.context()).containsEntry("host", "db:5432");
        assertThat(e).isInstanceOf(RuntimeException.class);
    }

    @Test
    void recordsRejectInconsistentValues() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> new ConnectionResult(true, 1, Duration.ZERO, new DatabaseError(ErrorCode.UNKNOWN_ERROR, "x")));
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> new ValidationResult(true, List.of("an error"), List.of()));
        org.assertj.core.api.Assertions.assertThatNullPointerException()
                .isThrownBy(() -> new ConnectionEvent(null, ConnectionPhase.CONNECTED, Instant.now(), 0, null, null));
    }

    private static void assertShape(Class<? extends Record> type, String... components) {
        String actual = Arrays.stream(type.getRecordComponents())
                .map(RecordShapesTest::describe)
                .collect(Collectors.joining(", "));
        assertThat(actual).isEqualTo(String.join(", ", components));
    }

    private static String describe(RecordComponent c) {
        return c.getType().getSimpleName() + " " + c.getName();
    }
}
