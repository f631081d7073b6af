package dev.pgkeeper.mybatis.types;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.mybatis.MyBatisClient;
import dev.pgkeeper.mybatis.fixtures.Fixture;
import dev.pgkeeper.testing.Jdbc;
import dev.pgkeeper.testing.TestDatabase;
import dev.pgkeeper.testing.TestPostgres;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A database of its own with the {@code type_values} table and the {@code mood} enum, a connected manager, and a
 * client built with {@code postgresTypes()} and {@code jsonTypes(new JacksonCodec(), Address.class)} with the
 * {@link TypesMapper} and the {@link PlainMapper}: what the type properties and ITs run on.
 */
public final class TypesDatabase implements AutoCloseable {

    /** The schema; {@link TypeValues} has a property per column. */
    public static final String SCHEMA = """
            CREATE TYPE mood AS ENUM ('HAPPY', 'SAD', 'neutral', 'ÉLAN');
            CREATE TABLE type_values (
                id bigint PRIMARY KEY,
                uuid_value uuid,
                json_text json,
                jsonb_text jsonb,
                address jsonb,
                text_array text[],
                integer_array int4[],
                int_array int4[],
                long_array int8[],
                primitive_long_array int8[],
                short_array int2[],
                double_array float8[],
                primitive_double_array float8[],
                float_array float4[],
                boolean_array bool[],
                decimal_array numeric[],
                uuid_array uuid[],
                date_array date[],
                text_list text[],
                long_list int8[],
                mood mood,
                mood_text text,
                mood_ordinal int4,
                local_date date,
                local_time time,
                local_date_time timestamp,
                offset_date_time timestamptz,
                instant timestamptz,
                zoned_date_time timestamptz,
                inet inet,
                duration interval);
            """;

    private static final AtomicLong IDS = new AtomicLong();

    public final TestDatabase database;
    public final ConnectionManager manager;
    public final MyBatisClient client;
    public final TypesMapper mapper;
    public final PlainMapper plain;

    private TypesDatabase(TestDatabase database, ConnectionManager manager) {
        this.database = database;
        this.manager = manager;
        this.client = builder().postgresTypes().jsonTypes(new JacksonCodec(), Address.class)
                .addMapper(TypesMapper.class).build();
        this.mapper = client.mapper(TypesMapper.class);
        this.plain = client.mapper(PlainMapper.class);
    }

    /** Creates a database named after {@code name} with the schema, and connects to it. */
    public static TypesDatabase start(String name) throws SQLException {
        TestDatabase database = TestPostgres.server().createDatabase(name);
        ConnectionManager manager = ConnectionManager.create(Fixture.config(database).name(name).build());
        assertThat(manager.initializeConnection().success()).isTrue();
        Jdbc.execute(manager.dataSource(), SCHEMA);
        return new TypesDatabase(database, manager);
    }

    /**
     * A builder on this database's manager with the {@link PlainMapper} and nothing else: add
     * {@code postgresTypes()} or not.
     */
    public MyBatisClient.Builder builder() {
        return MyBatisClient.builder().connectionManager(manager).addMapper(PlainMapper.class);
    }

    /** Runs one statement on this database. */
    public void execute(String sql) throws SQLException {
        Jdbc.execute(manager.dataSource(), sql);
    }

    /** A new row id, unique in this JVM. */
    public static long nextId() {
        return IDS.incrementAndGet();
    }

    /** Inserts a row with what {@code set} sets (and a new id) through the mapper, then reads it back. */
    public TypeValues roundTrip(Consumer<TypeValues> set) {
        TypeValues values = new TypeValues();
        values.id = nextId();
        set.accept(values);
        mapper.insert(values);
        TypeValues read = mapper.find(values.id);
        assertThat(read).as("row " + values.id).isNotNull();
        return read;
    }

    /** Every connection came back to the pool. */
    public void assertNothingLeaked() {
        assertThat(manager.getConnectionStatus().pool().active()).as("connections still lent out").isZero();
    }

    /** Disconnects and drops the database. */
    @Override
    public void close() {
        manager.close();
        TestPostgres.server().dropDatabase(database.database());
    }
}
