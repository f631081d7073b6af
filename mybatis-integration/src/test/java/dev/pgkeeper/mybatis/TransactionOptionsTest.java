package dev.pgkeeper.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import org.apache.ibatis.session.TransactionIsolationLevel;
import org.junit.jupiter.api.Test;

class TransactionOptionsTest {

    @Test
    void defaultsAreTheServersIsolationReadWriteNoRetry() {
        TransactionOptions d = TransactionOptions.defaults();

        assertThat(d.isolationLevel()).isNull();
        assertThat(d.isReadOnly()).isFalse();
        assertThat(d.isBatch()).isFalse();
        assertThat(d.maxAttempts()).isEqualTo(1);
    }

    @Test
    void everySettingMakesANewInstance() {
        TransactionOptions d = TransactionOptions.defaults();
        TransactionOptions custom = d.isolation(TransactionIsolationLevel.REPEATABLE_READ).readOnly().batch()
                .retryOnConflict(3).retryBackoff(Duration.ofMillis(5), Duration.ofMillis(50));

        assertThat(custom.isolationLevel()).isEqualTo(TransactionIsolationLevel.REPEATABLE_READ);
        assertThat(custom.isReadOnly()).isTrue();
        assertThat(custom.isBatch()).isTrue();
        assertThat(custom.maxAttempts()).isEqualTo(3);
        assertThat(custom.retryDelay()).isEqualTo(Duration.ofMillis(5));
        assertThat(custom.maxRetryDelay()).isEqualTo(Duration.ofMillis(50));
        assertThat(d.maxAttempts()).as("defaults untouched").isEqualTo(1);
        assertThat(d.isReadOnly()).isFalse();
    }

    @Test
    void badValuesAreRefusedWhereTheyEnter() {
        TransactionOptions d = TransactionOptions.defaults();

        assertThatIllegalArgumentException().isThrownBy(() -> d.retryOnConflict(0)).withMessageContaining("maxAttempts");
        assertThatIllegalArgumentException().isThrownBy(() -> d.retryOnConflict(101));
        assertThatIllegalArgumentException().isThrownBy(() -> d.retryBackoff(Duration.ZERO, Duration.ofSeconds(1)));
        assertThatIllegalArgumentException().isThrownBy(() -> d.retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertThatNullPointerException().isThrownBy(() -> d.isolation(null)).withMessage("level");
        assertThatIllegalArgumentException().isThrownBy(() -> d.isolation(TransactionIsolationLevel.NONE));
        assertThatIllegalArgumentException().isThrownBy(() -> d.isolation(TransactionIsolationLevel.SQL_SERVER_SNAPSHOT));
        assertThatNullPointerException().isThrownBy(() -> d.onRetry(null)).withMessage("listener");
    }
}
