package dev.pgkeeper.mybatis.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Java enums ↔ a PostgreSQL enum type and a {@code text} column, through a mapper built with
 * {@code postgresTypes()}, which makes pgkeeper's enum handler MyBatis's default.
 */
class EnumProperties {

    private static TypesDatabase db;

    @BeforeContainer
    static void start() throws SQLException {
        db = TypesDatabase.start("EnumProperties");
    }

    @AfterContainer
    static void stop() {
        db.close();
    }

    @Property(tries = 100)
    @Label("an enum property is written into a PostgreSQL enum column and a text column, and read back equal")
    void anEnumRoundTripsThroughAnEnumAndATextColumn(@ForAll Mood enumColumn, @ForAll Mood textColumn,
                                                       @ForAll boolean nulls) {
        Mood inEnum = nulls ? null : enumColumn;
        TypeValues read = db.roundTrip(v -> {
            v.mood = inEnum;
            v.moodText = textColumn;
        });
        assertThat(read.mood).isEqualTo(inEnum);
        assertThat(read.moodText).isEqualTo(textColumn);
        db.assertNothingLeaked();
    }
}
