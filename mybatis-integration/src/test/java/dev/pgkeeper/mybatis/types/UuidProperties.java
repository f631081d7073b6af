package dev.pgkeeper.mybatis.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** {@code java.util.UUID} ↔ {@code uuid} through a mapper built with {@code postgresTypes()}. */
class UuidProperties {

    private static TypesDatabase db;

    @BeforeContainer
    static void start() throws SQLException {
        db = TypesDatabase.start("UuidProperties");
    }

    @AfterContainer
    static void stop() {
        db.close();
    }

    @Property(tries = 100)
    @Label("a UUID property is written and read back equal, null included")
    void aUuidPropertyRoundTrips(@ForAll("uuids") UUID value) {
        assertThat(db.roundTrip(v -> v.uuidValue = value).uuidValue).isEqualTo(value);
        db.assertNothingLeaked();
    }

    @Property(tries = 100)
    @Label("a UUID @Param is written, and a UUID result read, equal, null included")
    void aUuidParameterAndResultRoundTrip(@ForAll("uuids") UUID value) {
        long id = TypesDatabase.nextId();
        db.mapper.insertUuid(id, value);
        assertThat(db.mapper.uuid(id)).isEqualTo(value);
        db.assertNothingLeaked();
    }

    @Provide
    Arbitrary<UUID> uuids() {
        return Arbitraries.oneOf(
                Arbitraries.longs().tuple2().map(t -> new UUID(t.get1(), t.get2())),
                Arbitraries.create(UUID::randomUUID),
                Arbitraries.of(new UUID(0, 0), new UUID(-1, -1), new UUID(Long.MIN_VALUE, Long.MAX_VALUE)))
                .injectNull(0.1);
    }
}
