package dev.pgkeeper.mybatis.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgkeeper.DatabaseError;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What plain MyBatis on pgjdbc gets wrong with java.time, against PostgreSQL, and what {@code postgresTypes()}
 * does instead.
 */
class JavaTimeIT extends TypesTest {

    private PlainMapper plainMyBatis;

    @BeforeAll
    void plainMyBatis() {
        plainMyBatis = db.builder().build().mapper(PlainMapper.class);
    }

    @Test
    void aDateReadAsLocalDateTimeFailsInPlainMyBatisAndIsMidnightWithPostgresTypes() {
        long id = db.roundTrip(v -> v.localDate = LocalDate.of(2024, 2, 29)).id;

        DatabaseError plain = catchThrowableOfType(DatabaseError.class, () -> plainMyBatis.dateAsLocalDateTime(id));
        assertThat(plain.getMessage())
                .contains("Cannot convert the column of type DATE to requested type java.time.LocalDateTime");

        assertThat(db.plain.dateAsLocalDateTime(id)).isEqualTo(LocalDateTime.of(2024, 2, 29, 0, 0));
    }

    @Test
    void aZonedDateTimeIsRefusedByPgjdbcInPlainMyBatisAndStoredWithPostgresTypes() {
        ZonedDateTime value = ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 123_456_000, ZoneId.of("Europe/Paris"));

        DatabaseError plain = catchThrowableOfType(DatabaseError.class,
                () -> plainMyBatis.insertZonedDateTime(TypesDatabase.nextId(), value));
        assertThat(plain.getMessage())
                .contains("Can't infer the SQL type to use for an instance of java.time.ZonedDateTime");

        long id = TypesDatabase.nextId();
        db.plain.insertZonedDateTime(id, value);
        ZonedDateTime read = db.plain.zonedDateTime(id);
        assertThat(read.getZone()).isEqualTo(ZoneOffset.UTC);
        assertThat(read.toInstant()).isEqualTo(value.toInstant());
    }

    @Test
    void anInstantBeforeTheGregorianCalendarIsStoredShiftedByPlainMyBatisAndAsItIsWithPostgresTypes() {
        Instant value = Instant.parse("1000-01-01T00:00:00Z");

        long plainId = TypesDatabase.nextId();
        plainMyBatis.insertInstant(plainId, value);
        // java.sql.Timestamp's Julian calendar: the Java round trip agrees, the database holds another day.
        assertThat(plainMyBatis.instant(plainId)).isEqualTo(value);
        assertThat(db.plain.instantInSql(plainId)).startsWith("0999-12-2");

        long id = TypesDatabase.nextId();
        db.plain.insertInstant(id, value);
        assertThat(db.plain.instantInSql(id)).isEqualTo("1000-01-01 00:00:00 AD");
        assertThat(db.plain.instant(id)).isEqualTo(value);
    }

    @Test
    void anOffsetPostgresDoesNotAcceptIsRefusedInPlainMyBatisAndStoredAtUtcWithPostgresTypes() {
        OffsetDateTime value = OffsetDateTime.of(2024, 1, 1, 12, 0, 0, 0, ZoneOffset.ofHours(17));

        DatabaseError plain = catchThrowableOfType(DatabaseError.class,
                () -> plainMyBatis.insertOffsetDateTime(TypesDatabase.nextId(), value));
        assertThat(plain.getMessage()).contains("time zone displacement out of range");

        long id = TypesDatabase.nextId();
        db.plain.insertOffsetDateTime(id, value);
        assertThat(db.plain.offsetDateTime(id)).isEqualTo(value.withOffsetSameInstant(ZoneOffset.UTC));
    }
}
