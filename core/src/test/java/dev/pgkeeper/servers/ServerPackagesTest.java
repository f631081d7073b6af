package dev.pgkeeper.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeeper.testing.ServerProcesses;
import org.junit.jupiter.api.Test;

/** Without Debian's packages the several-servers fixtures fail (never skip), naming the install command. */
class ServerPackagesTest {

    @Test
    void aMissingProgramFailsWithTheAptGetCommand() {
        assertThatThrownBy(() -> ServerProcesses.require("pgkeeper-no-such-program"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pgkeeper-no-such-program is not installed")
                .hasMessageContaining("apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "
                        + "patroni etcd-server pgbouncer");
    }

    @Test
    void theInstallCommandNamesTheThreePackages() {
        assertThat(ServerProcesses.INSTALL_COMMAND).contains("patroni", "etcd-server", "pgbouncer");
    }
}
