package dev.pgkeeper.mybatis.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.mybatis.MyBatisClient;
import java.sql.SQLException;
import org.apache.ibatis.type.EnumOrdinalTypeHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Java enums and PostgreSQL enum types: plain MyBatis, {@code postgresTypes()}, and a user's own choice. */
class EnumIT extends TypesTest {

    private PlainMapper plainMyBatis;

    @BeforeAll
    void plainMyBatis() {
        plainMyBatis = db.builder().build().mapper(PlainMapper.class);
    }

    @Test
    void anEnumIntoAPostgresEnumColumnFailsInPlainMyBatisAndWorksWithPostgresTypes() {
        PlainMapper plainMyBatis = db.builder().build().mapper(PlainMapper.class);
        DatabaseError plain = catchThrowableOfType(DatabaseError.class,
                () -> plainMyBatis.insertMood(TypesDatabase.nextId(), Mood.HAPPY));
        assertThat(plain.getMessage())
                .contains("column \"mood\" is of type mood but expression is of type character varying");

        long id = TypesDatabase.nextId();
        db.plain.insertMood(id, Mood.ÉLAN);
        assertThat(db.plain.mood(id)).isEqualTo(Mood.ÉLAN);
    }

    @Test
    void anEnumHandlerTheUserChoseIsKept() {
        MyBatisClient client = db.builder().postgresTypes()
                .configure(c -> c.setDefaultEnumTypeHandler(EnumOrdinalTypeHandler.class)).build();
        PlainMapper mapper = client.mapper(PlainMapper.class);
        assertThat(client.sqlSessionFactory().getConfiguration().getTypeHandlerRegistry().getTypeHandler(Mood.class))
                .isInstanceOf(EnumOrdinalTypeHandler.class);

        long id = TypesDatabase.nextId();
        mapper.insertMoodOrdinal(id, Mood.SAD);
        assertThat(mapper.moodOrdinalNumber(id)).isEqualTo(Mood.SAD.ordinal());
        assertThat(mapper.moodOrdinal(id)).isEqualTo(Mood.SAD);
    }

    @Test
    void aLabelThatIsNotAConstantFailsNamingTheColumnTheLabelAndTheEnum() throws SQLException {
        long id = TypesDatabase.nextId();
        db.execute("INSERT INTO type_values (id, mood_text) VALUES (" + id + ", 'angry')");

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> db.plain.moodText(id));
        assertThat(e.code()).isEqualTo(ErrorCode.DATA_ERROR);
        assertThat(e.getMessage()).contains("column mood_text", "'angry'", Mood.class.getName(), "add the constant");
    }
}
