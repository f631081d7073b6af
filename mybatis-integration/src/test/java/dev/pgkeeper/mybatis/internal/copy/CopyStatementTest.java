package dev.pgkeeper.mybatis.internal.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which names {@link CopyStatement} takes, and the statement it builds from them. */
class CopyStatementTest {

    @Test
    void plainQuotedAndQualifiedNamesAreUsedAsWritten() {
        assertThat(CopyStatement.of("users", List.of("id", "Email", "_x$1")).sql())
                .isEqualTo("COPY users (id, Email, _x$1) FROM STDIN");
        assertThat(CopyStatement.of("audit.\"Events \"\"2024\"\"\"", List.of("\"Kind\"", "élan")).sql())
                .isEqualTo("COPY audit.\"Events \"\"2024\"\"\" (\"Kind\", élan) FROM STDIN");
        assertThat(CopyStatement.of("\"a.b\".c", List.of("\"x;y\"")).sql())
                .isEqualTo("COPY \"a.b\".c (\"x;y\") FROM STDIN");
    }

    @Test
    void anythingElseIsRefusedNamingIt() {
        for (String table : List.of("", " users", "users ", "1users", "a.b.c", "a..b", "\"\"", "\"a", "a\"", "\"a\"\"",
                "\"a\"b", "users;", "users(id)", "users -- x", "\"a\0b\"", "a-b", "🦆")) {
            assertThatThrownBy(() -> CopyStatement.of(table, List.of("id"))).as(table)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table \"" + table + "\"");
        }
        assertThatThrownBy(() -> CopyStatement.of("users", List.of("id", "s.id")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("columns[1] \"s.id\"");
    }
}
