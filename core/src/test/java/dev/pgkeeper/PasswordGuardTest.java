package dev.pgkeeper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.testing.PasswordGuard;
import org.apache.logging.log4j.LogManager;
import org.junit.jupiter.api.Test;

/** The suite-wide password guard is installed and does see a leaked password, so it can fail the build. */
class PasswordGuardTest {

    @Test
    void aRegisteredPasswordInALogLineIsCaught() {
        assertThat(PasswordGuard.isInstalled()).as("log4j2-test.xml configures the guard").isTrue();
        PasswordGuard.register("guard-self-test-Pw1");

        LogManager.getLogger("some.library").warn("connecting with password=guard-self-test-Pw1");

        assertThat(PasswordGuard.drainHits()).singleElement().asString()
                .contains("some.library", "<registered password>")
                .doesNotContain("guard-self-test-Pw1");
    }
}
