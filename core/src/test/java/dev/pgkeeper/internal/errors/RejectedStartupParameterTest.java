package dev.pgkeeper.internal.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

class RejectedStartupParameterTest {

    private static PSQLException pgBouncer(String sqlState, String message) {
        return new PSQLException(new ServerErrorMessage(
                "SFATAL\0VFATAL\0C" + sqlState + "\0M" + message + "\0\0"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "unsupported startup parameter: options                              | options            | -",
            "Unsupported startup parameter: extra_float_digits                   | extra_float_digits | -",
            "unsupported startup parameter: pg_stat_statements.track             | pg_stat_statements.track | -",
            "unsupported startup parameter in options: statement_timeout         | options            | statement_timeout",
            "unsupported options startup parameter: only '-c config=val' is allowed | options         | -",
            "unsupported options startup parameter: parameter too long           | options            | -",
            "unsupported startup parameter                                       | -                  | -"})
    void readsWhatPgBouncerWrites(String message, String parameter, String setting) {
        assertThat(RejectedStartupParameter.of(pgBouncer("08P01", message)))
                .contains(new RejectedStartupParameter(parameter, setting));
    }

    @Test
    void aPlainSqlExceptionWithTheStateAndMessageCountsToo() {
        assertThat(RejectedStartupParameter.of(new SQLException("unsupported startup parameter: options", "08p01 ")))
                .contains(new RejectedStartupParameter("options", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"08006", "08001", "XX000", "42704", ""})
    void anotherSqlStateIsNotARejectionWhateverTheMessage(String sqlState) {
        assertThat(RejectedStartupParameter.of(pgBouncer(sqlState, "unsupported startup parameter: options"))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"invalid frontend message type 0", "server conn crashed?", "query_wait_timeout",
            "unsupported frontend protocol 1234.5678"})
    void anotherProtocolViolationIsNotARejection(String message) {
        assertThat(RejectedStartupParameter.of(pgBouncer("08P01", message))).isEmpty();
    }

    @Test
    void onlyAnIdentifierIsTakenFromTheMessage() {
        assertThat(RejectedStartupParameter.of(pgBouncer("08P01", "unsupported startup parameter: x\nDETAIL: secret")))
                .contains(new RejectedStartupParameter("x", null));
        assertThat(RejectedStartupParameter.of(pgBouncer("08P01", "unsupported startup parameter: 'quoted'")))
                .contains(new RejectedStartupParameter(null, null));
    }

    @Test
    void notASqlExceptionOrNothingIsNotARejection() {
        assertThat(RejectedStartupParameter.of(new RuntimeException("unsupported startup parameter: options"))).isEmpty();
        assertThat(RejectedStartupParameter.of(null)).isEmpty();
    }

    @Test
    void describesTheParameterForASentence() {
        assertThat(new RejectedStartupParameter("options", "statement_timeout").describe())
                .isEqualTo("options (setting statement_timeout)");
        assertThat(new RejectedStartupParameter("extra_float_digits", null).describe()).isEqualTo("extra_float_digits");
        assertThat(new RejectedStartupParameter(null, null).describe()).isEqualTo("a startup parameter");
        assertThat(new RejectedStartupParameter("options", null).isOptions()).isTrue();
        assertThat(new RejectedStartupParameter("search_path", null).isOptions()).isFalse();
    }
}
