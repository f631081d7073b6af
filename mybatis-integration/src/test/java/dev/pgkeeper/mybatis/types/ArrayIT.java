package dev.pgkeeper.mybatis.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Arrays with {@code postgresTypes()}: what MyBatis did before still works, and what cannot work fails clearly. */
class ArrayIT extends TypesTest {

    private PlainMapper plainMyBatis;

    @BeforeAll
    void plainMyBatis() {
        plainMyBatis = db.builder().build().mapper(PlainMapper.class);
    }

    @Test
    void myBatissArrayTypeHandlerWorksAsBefore() {
        for (PlainMapper mapper : List.of(plainMyBatis, db.plain)) {
            long id = TypesDatabase.nextId();
            mapper.insertWithMyBatissArrayHandler(id, new Integer[] {1, null, 3});
            assertThat(mapper.integerArrayAsMap(id).get("integer_array")).isEqualTo(new Integer[] {1, null, 3});
        }
    }

    @Test
    void anElementOfTheOnlyParameterIsBoundAsBefore() {
        // Regression: with a handler for List and String[], MyBatis gives that handler #{list[1]}'s element.
        for (PlainMapper mapper : List.of(plainMyBatis, db.plain)) {
            assertThat(mapper.secondOf(List.of("a", "b"))).isEqualTo("b");
            assertThat(mapper.secondOfArray(new String[] {"a", "b"})).isEqualTo("b");
        }
    }

    @Test
    void aNullElementFailsAPrimitiveArrayNamingTheWrapperArray() throws SQLException {
        long id = TypesDatabase.nextId();
        db.execute("INSERT INTO type_values (id, int_array) VALUES (" + id + ", '{1,NULL}')");

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> db.mapper.find(id));
        assertThat(e.code()).isEqualTo(ErrorCode.DATA_ERROR);
        assertThat(e.getMessage()).contains("column int_array", "NULL at index 2", "int[]", "Integer[]");
    }

    @Test
    void elementsAreWidenedButNeverNarrowedWithLoss() throws SQLException {
        long id = TypesDatabase.nextId();
        db.execute("INSERT INTO type_values (id, integer_array, long_array) VALUES (" + id
                + ", '{1,NULL,-2}', '{1,3000000000}')");

        assertThat(db.mapper.findAs(id, "integer_array", "long_array").longArray).containsExactly(1L, null, -2L);
        DatabaseError narrowed = catchThrowableOfType(DatabaseError.class,
                () -> db.mapper.findAs(id, "long_array", "integer_array"));
        assertThat(narrowed.getMessage()).contains("column integer_array", "3000000000", "Integer cannot hold");
        DatabaseError otherType = catchThrowableOfType(DatabaseError.class,
                () -> db.mapper.findAs(id, "integer_array", "primitive_double_array"));
        assertThat(otherType.getMessage()).contains("column primitive_double_array", "array of int4",
                "java.lang.Integer, not Double");
    }

    @Test
    void aListOfLocalDatesIsRefusedPointingToLocalDateArray() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        List<String> dates = (List) List.of(LocalDate.of(2024, 1, 1));
        DatabaseError e = catchThrowableOfType(DatabaseError.class,
                () -> db.mapper.insertTextList(TypesDatabase.nextId(), dates));
        assertThat(e.code()).isEqualTo(ErrorCode.DATA_ERROR);
        assertThat(e.getMessage()).contains("List of java.time.LocalDate", "use a LocalDate[]");
    }

    @Test
    void aListMixingElementTypesIsRefused() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        List<Long> mixed = (List) Arrays.asList(1L, null, 2);
        DatabaseError e = catchThrowableOfType(DatabaseError.class,
                () -> db.mapper.insertLongList(TypesDatabase.nextId(), mixed));
        assertThat(e.getMessage()).contains("mixes java.lang.Long and java.lang.Integer");
    }
}
