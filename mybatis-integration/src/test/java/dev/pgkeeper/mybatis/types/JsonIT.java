package dev.pgkeeper.mybatis.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.mybatis.JsonCodec;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** JSON text in Strings, and application types through a {@link JsonCodec}, against PostgreSQL. */
class JsonIT extends TypesTest {

    private PlainMapper plainMyBatis;

    @BeforeAll
    void plainMyBatis() {
        plainMyBatis = db.builder().build().mapper(PlainMapper.class);
    }

    @Test
    void aJsonbColumnIsAutoMappedIntoAStringProperty() throws SQLException {
        long id = TypesDatabase.nextId();
        db.execute("INSERT INTO type_values (id, jsonb_text) VALUES (" + id + ", '{\"b\": 1, \"a\": [true, null]}')");

        // jsonb's own text: keys sorted (by length, then bytes), one space after ':' and ','.
        assertThat(db.plain.jsonbRow(id).jsonbText).isEqualTo("{\"a\": [true, null], \"b\": 1}");
        assertThat(db.builder().build().mapper(PlainMapper.class).jsonbRow(id).jsonbText)
                .as("plain MyBatis reads it too, with its String handler").isEqualTo("{\"a\": [true, null], \"b\": 1}");
    }

    @Test
    void jsonTextIsWrittenIntoJsonbWithJdbcTypeOther() {
        String json = "{\"quote\": \"\\\"\", \"braces\": \"{}\", \"emoji\": \"🎉\"}";
        PlainMapper plainMyBatis = db.builder().build().mapper(PlainMapper.class);
        DatabaseError plain = catchThrowableOfType(DatabaseError.class,
                () -> plainMyBatis.insertJsonb(TypesDatabase.nextId(), json));
        assertThat(plain.getMessage())
                .contains("column \"jsonb_text\" is of type jsonb but expression is of type character varying");
        DatabaseError withoutJdbcType = catchThrowableOfType(DatabaseError.class,
                () -> db.plain.insertJsonbWithoutJdbcType(TypesDatabase.nextId(), json));
        assertThat(withoutJdbcType.getMessage()).as("ordinary Strings are still varchar")
                .contains("column \"jsonb_text\" is of type jsonb but expression is of type character varying");

        long id = TypesDatabase.nextId();
        db.plain.insertJsonb(id, json);
        assertThat(db.plain.jsonbRow(id).jsonbText)
                .isEqualTo("{\"emoji\": \"🎉\", \"quote\": \"\\\"\", \"braces\": \"{}\"}");
    }

    @Test
    void aCodecThatCannotWriteFailsNamingTheType() {
        TypesMapper mapper = db.builder().postgresTypes().jsonTypes(new FailingCodec(), Address.class)
                .addMapper(TypesMapper.class).build().mapper(TypesMapper.class);
        TypeValues values = new TypeValues();
        values.id = TypesDatabase.nextId();
        values.address = new Address("Main Street 1", List.of(), Map.of(), true);

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> mapper.insert(values));
        assertThat(e.code()).isEqualTo(ErrorCode.DATA_ERROR);
        assertThat(e.sqlState()).isEqualTo("22023");
        assertThat(e.getMessage()).contains("could not write a " + Address.class.getName(), "no writer for addresses",
                "fix the codec's mapping of Address");
        assertThat(e).hasRootCauseInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aCodecThatCannotReadFailsNamingTheColumnAndTheType() throws SQLException {
        long id = TypesDatabase.nextId();
        db.execute("INSERT INTO type_values (id, address) VALUES (" + id
                + ", '{\"street\": \"x\", \"colour\": \"red\"}')");

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> db.mapper.find(id));
        assertThat(e.code()).isEqualTo(ErrorCode.DATA_ERROR);
        assertThat(e.sqlState()).isEqualTo("22000");
        assertThat(e.getMessage()).contains("could not read column address as a " + Address.class.getName(),
                "UnrecognizedPropertyException", "\"colour\"");
    }

    @Test
    void aTypeWithAHandlerOfItsOwnCannotBeAJsonType() {
        assertThatThrownBy(() -> db.builder().postgresTypes().jsonTypes(new JacksonCodec(), String.class).build())
                .isInstanceOfSatisfying(DatabaseError.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION_ERROR))
                .hasMessageContaining("java.lang.String")
                .hasMessageContaining("jdbcType=OTHER");
    }

    /** A codec whose mapping of Address is missing, as an application's may be. */
    private static final class FailingCodec implements JsonCodec {
        @Override
        public String toJson(Object value) {
            throw new UnsupportedOperationException("no writer for addresses");
        }

        @Override
        public <T> T fromJson(String json, Class<T> type) {
            throw new UnsupportedOperationException("no reader for addresses");
        }
    }
}
