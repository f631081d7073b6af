package dev.pgkeeper.mybatis.internal.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.mybatis.JsonCodec;
import java.math.BigDecimal;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.type.ArrayTypeHandler;
import org.apache.ibatis.type.ByteArrayTypeHandler;
import org.apache.ibatis.type.EnumOrdinalTypeHandler;
import org.apache.ibatis.type.EnumTypeHandler;
import org.apache.ibatis.type.JdbcType;
import org.apache.ibatis.type.LocalDateTypeHandler;
import org.apache.ibatis.type.LocalTimeTypeHandler;
import org.apache.ibatis.type.StringTypeHandler;
import org.apache.ibatis.type.TypeHandlerRegistry;
import org.apache.ibatis.type.UnknownTypeHandler;
import org.junit.jupiter.api.Test;

/** What {@link PostgresTypeHandlers} registers, and what it leaves as MyBatis has it. */
class PostgresTypeHandlersTest {

    private enum Color { RED }

    private record Point(int x, int y) {
    }

    private static final JsonCodec CODEC = new JsonCodec() {
        @Override
        public String toJson(Object value) {
            return "{}";
        }

        @Override
        public <T> T fromJson(String json, Class<T> type) {
            return null;
        }
    };

    private static TypeHandlerRegistry registered() {
        Configuration configuration = new Configuration();
        PostgresTypeHandlers.register(configuration);
        return configuration.getTypeHandlerRegistry();
    }

    @Test
    void eachTypeGetsItsHandler() {
        TypeHandlerRegistry types = registered();
        assertThat(types.getTypeHandler(UUID.class)).isInstanceOf(UuidTypeHandler.class);
        assertThat(types.getTypeHandler(LocalDateTime.class)).isInstanceOf(PgLocalDateTimeTypeHandler.class);
        assertThat(types.getTypeHandler(OffsetDateTime.class)).isInstanceOf(PgOffsetDateTimeTypeHandler.class);
        assertThat(types.getTypeHandler(ZonedDateTime.class)).isInstanceOf(PgZonedDateTimeTypeHandler.class);
        assertThat(types.getTypeHandler(Instant.class)).isInstanceOf(PgInstantTypeHandler.class);
        assertThat(types.getTypeHandler(Duration.class)).isInstanceOf(DurationTypeHandler.class);
        // Found from the runtime classes too, by their superclass.
        assertThat(types.getTypeHandler(InetAddress.class)).isInstanceOf(InetAddressTypeHandler.class);
        assertThat(types.getTypeHandler(Inet4Address.class)).isInstanceOf(InetAddressTypeHandler.class);
        assertThat(types.getTypeHandler(Inet6Address.class)).isInstanceOf(InetAddressTypeHandler.class);
        assertThat(types.getTypeHandler(Color.class)).isInstanceOf(PgEnumTypeHandler.class);
    }

    @Test
    void everyArrayTypeGetsItsHandler() {
        TypeHandlerRegistry types = registered();
        for (Class<?> type : List.of(String[].class, Integer[].class, Long[].class, Short[].class, Double[].class,
                Float[].class, Boolean[].class, BigDecimal[].class, UUID[].class, LocalDate[].class)) {
            assertThat(types.getTypeHandler(type)).as(type.getSimpleName()).isInstanceOf(JavaArrayTypeHandler.class)
                    .hasToString("JavaArrayTypeHandler[" + type.getSimpleName() + " <-> "
                            + ArrayElement.of(type.getComponentType()).sqlType() + "[]]");
        }
        for (Class<?> type : List.of(int[].class, long[].class, short[].class, double[].class, float[].class,
                boolean[].class)) {
            assertThat(types.getTypeHandler(type)).as(type.getSimpleName())
                    .isInstanceOf(JavaArrayTypeHandler.class).hasToString("JavaArrayTypeHandler[" + type.getSimpleName()
                            + " <-> " + ArrayElement.of(type.getComponentType()).sqlType() + "[]]");
        }
    }

    @Test
    void aListIsFoundByItsDeclaredTypeAndByTheJdksListClasses() {
        TypeHandlerRegistry types = registered();
        for (List<?> list : List.of(new ArrayList<>(), new LinkedList<>(), Arrays.asList(1, 2), List.of(), List.of(1),
                List.of(1, 2, 3), List.copyOf(List.of(1)), List.of(1).stream().toList(), Collections.emptyList(),
                Collections.singletonList(1), Collections.unmodifiableList(new ArrayList<>()),
                Collections.unmodifiableList(new LinkedList<>()), Collections.synchronizedList(new ArrayList<>()),
                new CopyOnWriteArrayList<>())) {
            assertThat(types.getTypeHandler(list.getClass())).as(list.getClass().getName())
                    .isInstanceOf(ListTypeHandler.class);
        }
        assertThat(types.getTypeHandler(List.class)).isInstanceOf(ListTypeHandler.class);
    }

    @Test
    void ordinaryStringsBytesAndMyBatissArrayHandlerStayAsTheyWere() {
        TypeHandlerRegistry types = registered();
        assertThat(types.getTypeHandler(String.class)).isInstanceOf(StringTypeHandler.class);
        assertThat(types.getTypeHandler(String.class, JdbcType.VARCHAR)).isInstanceOf(StringTypeHandler.class);
        assertThat(types.getTypeHandler(String.class, JdbcType.OTHER)).isInstanceOf(UnspecifiedStringTypeHandler.class);
        assertThat(types.getTypeHandler(byte[].class)).isInstanceOf(ByteArrayTypeHandler.class);
        assertThat(types.getTypeHandler(Object.class, JdbcType.ARRAY)).isInstanceOf(ArrayTypeHandler.class);
        assertThat(types.getTypeHandler(JdbcType.ARRAY)).isInstanceOf(ArrayTypeHandler.class);
        assertThat(types.getTypeHandler(Object.class)).isInstanceOf(UnknownTypeHandler.class);
        assertThat(types.getTypeHandler(LocalDate.class)).isInstanceOf(LocalDateTypeHandler.class);
        assertThat(types.getTypeHandler(LocalTime.class)).isInstanceOf(LocalTimeTypeHandler.class);
    }

    @Test
    void anEnumHandlerChosenBeforeIsKept() {
        Configuration configuration = new Configuration();
        configuration.setDefaultEnumTypeHandler(EnumOrdinalTypeHandler.class);
        PostgresTypeHandlers.register(configuration);
        assertThat(configuration.getTypeHandlerRegistry().getTypeHandler(Color.class))
                .isInstanceOf(EnumOrdinalTypeHandler.class);
    }

    @Test
    void anEnumHandlerChosenAfterwardsWins() {
        Configuration configuration = new Configuration();
        PostgresTypeHandlers.register(configuration);
        configuration.setDefaultEnumTypeHandler(EnumTypeHandler.class);
        assertThat(configuration.getTypeHandlerRegistry().getTypeHandler(Color.class))
                .isInstanceOf(EnumTypeHandler.class);
    }

    @Test
    void aJsonTypeGetsTheCodecsHandler() {
        Configuration configuration = new Configuration();
        PostgresTypeHandlers.registerJson(configuration, CODEC, List.of(Point.class));
        assertThat(configuration.getTypeHandlerRegistry().getTypeHandler(Point.class))
                .isInstanceOf(JsonCodecTypeHandler.class)
                .hasToString("JsonCodecTypeHandler[" + Point.class.getName() + "]");
    }

    @Test
    void typesThatMustNotBeJsonTypesAreRefusedByName() {
        Configuration configuration = new Configuration();
        PostgresTypeHandlers.register(configuration);
        for (Class<?> type : List.of(String.class, Integer.class, int.class, LocalDate.class, UUID.class, Object.class,
                Color.class, int[].class, Map.class, List.class, ArrayList.class)) {
            assertThatThrownBy(() -> PostgresTypeHandlers.registerJson(configuration, CODEC, List.of(type)))
                    .as(type.getName()).isInstanceOf(DatabaseError.class)
                    .hasMessageContaining(type.getName());
        }
        PostgresTypeHandlers.registerJson(configuration, CODEC, List.of(Point.class));
        assertThatThrownBy(() -> PostgresTypeHandlers.registerJson(configuration, CODEC, List.of(Point.class)))
                .hasMessageContaining("already has a type handler (JsonCodecTypeHandler)");
        List<Class<?>> withNull = Arrays.asList((Class<?>) null);
        assertThatThrownBy(() -> PostgresTypeHandlers.registerJson(configuration, CODEC, withNull))
                .hasMessageContaining("null type");
    }
}
