package dev.pgkeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseErrorTest {

    @Test
    void markingAnErrorOutcomeUnknownKeepsEverythingElseAndSaysSo() {
        IOException cause = new IOException("connection reset");
        DatabaseError error = new DatabaseError(ErrorCode.NETWORK_ERROR, "Commit failed", List.of("Check the network"),
                Map.of("host", "db", "sqlState", "08006"), cause);

        DatabaseError marked = error.withOutcomeUnknown();

        assertThat(error.isOutcomeUnknown()).isFalse();
        assertThat(marked.isOutcomeUnknown()).isTrue();
        assertThat(marked.code()).isEqualTo(ErrorCode.NETWORK_ERROR);
        assertThat(marked.getCause()).isSameAs(cause);
        assertThat(marked.context()).containsEntry("host", "db").containsEntry("sqlState", "08006")
                .containsEntry(DatabaseError.OUTCOME, "unknown");
        assertThat(marked.getMessage()).startsWith("Commit failed").contains("outcome unknown");
        assertThat(marked.troubleshootingSteps()).hasSize(2).endsWith("Check the network");
        assertThat(marked.troubleshootingSteps().get(0)).contains("may have been committed");
        assertThat(marked.withOutcomeUnknown()).isSameAs(marked);
    }
}
