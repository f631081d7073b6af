package dev.pgkeeper.mybatis.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.mybatis.MyBatisClient;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code UUID} without and with {@code postgresTypes()}, and a UUID kept as text. */
class UuidIT extends TypesTest {

    @Test
    void plainMyBatisHasNoHandlerForAUuidProperty() {
        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> MyBatisClient.builder()
                .connectionManager(db.manager).addMapper(TypesMapper.class).build());
        assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION_ERROR);
        assertThat(e.getMessage()).contains("uuidValue", "java.util.UUID");
    }

    @Test
    void aUuidInATextColumnIsReadAndOtherTextFailsWithoutBeingQuoted() throws SQLException {
        UUID uuid = UUID.randomUUID();
        long id = TypesDatabase.nextId();
        long other = TypesDatabase.nextId();
        db.execute("INSERT INTO type_values (id, mood_text) VALUES (" + id + ", '" + uuid + "'), (" + other
                + ", 'secret-ish text')");

        assertThat(db.mapper.findAs(id, "mood_text", "uuid_value").uuidValue).isEqualTo(uuid);
        DatabaseError e = catchThrowableOfType(DatabaseError.class,
                () -> db.mapper.findAs(other, "mood_text", "uuid_value"));
        assertThat(e.code()).isEqualTo(ErrorCode.DATA_ERROR);
        assertThat(e.getMessage()).contains("column uuid_value", "not a UUID").doesNotContain("secret-ish");
    }
}
