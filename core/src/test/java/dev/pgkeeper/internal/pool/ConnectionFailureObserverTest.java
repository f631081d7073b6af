package dev.pgkeeper.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnectionFailureObserverTest {

    @Test
    void connectionFailureStatesAreClass08AndServerShutdown() {
        assertThat(ConnectionFailureObserver.isConnectionFailure("08006")).isTrue();
        assertThat(ConnectionFailureObserver.isConnectionFailure("08001")).isTrue();
        assertThat(ConnectionFailureObserver.isConnectionFailure("57P01")).isTrue();
        assertThat(ConnectionFailureObserver.isConnectionFailure("57P03")).isTrue();
        assertThat(ConnectionFailureObserver.isConnectionFailure("23505")).isFalse();
        assertThat(ConnectionFailureObserver.isConnectionFailure("57014")).isFalse();
        assertThat(ConnectionFailureObserver.isConnectionFailure(null)).isFalse();
    }
}
