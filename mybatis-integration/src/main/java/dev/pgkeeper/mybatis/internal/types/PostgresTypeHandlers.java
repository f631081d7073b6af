package dev.pgkeeper.mybatis.internal.types;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import dev.pgkeeper.mybatis.JsonCodec;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.type.EnumTypeHandler;
import org.apache.ibatis.type.JdbcType;
import org.apache.ibatis.type.TypeHandler;
import org.apache.ibatis.type.TypeHandlerRegistry;

/**
 * Registers pgkeeper's type handlers for PostgreSQL's types with a MyBatis configuration, as instances (one
 * per Java type; the enum handler, which MyBatis creates per enum, excepted). Not thread-safe, as MyBatis's
 * configuration is not while it is being built.
 */
public final class PostgresTypeHandlers {

    /**
     * The classes a List is found by. MyBatis looks a handler up by the declared type of a property ({@code List})
     * but, for a {@code @Param} or a Map entry, by the runtime class of the value, walking up its superclasses and
     * never its interfaces: so the JDK's lists are named too ({@code AbstractList} covers ArrayList, LinkedList,
     * Arrays.asList, Collections.emptyList and singletonList). Another List class in a {@code @Param} reaches
     * pgjdbc's {@code setObject}, which refuses it.
     */
    private static final List<Class<?>> LIST_TYPES = List.of(List.class, AbstractList.class,
            List.of().getClass(), List.of(1).getClass(), // List.of, List.copyOf, Stream.toList
            Collections.unmodifiableList(new ArrayList<>()).getClass(),
            Collections.unmodifiableList(new LinkedList<>()).getClass(),
            Collections.synchronizedList(new ArrayList<>()).getClass(),
            Collections.synchronizedList(new LinkedList<>()).getClass(),
            CopyOnWriteArrayList.class);

    private PostgresTypeHandlers() {
    }

    /**
     * Registers the handlers for uuid, json/jsonb (as {@code String} with {@code jdbcType=OTHER}), arrays (Java
     * arrays and {@code List}), java.time ({@code LocalDateTime}, {@code OffsetDateTime}, {@code ZonedDateTime},
     * {@code Instant}), inet and interval, and makes {@link PgEnumTypeHandler} the default enum handler unless
     * the configuration already has a default of its own. MyBatis's handlers of {@code LocalDate} and
     * {@code LocalTime} work with pgjdbc as they are and stay; so do its {@code ArrayTypeHandler} (registered for
     * {@code Object} with {@code JdbcType.ARRAY}) and its {@code byte[]} handlers.
     *
     * @param configuration the configuration being built
     */
    public static void register(Configuration configuration) {
        TypeHandlerRegistry types = configuration.getTypeHandlerRegistry();
        TypeHandler<Object> unknown = types.getUnknownTypeHandler();

        types.register(UUID.class, new UuidTypeHandler());
        // JdbcType.OTHER only: a String without jdbcType keeps MyBatis's setString.
        types.register(String.class, JdbcType.OTHER, new UnspecifiedStringTypeHandler());

        for (ArrayElement element : ArrayElement.values()) {
            JavaArrayTypeHandler boxed = JavaArrayTypeHandler.boxed(element, unknown);
            registerFor(types, boxed.arrayType(), boxed);
            if (element.primitiveType() != null) {
                JavaArrayTypeHandler primitive = JavaArrayTypeHandler.primitive(element, unknown);
                registerFor(types, primitive.arrayType(), primitive);
            }
        }
        ListTypeHandler list = new ListTypeHandler(unknown);
        for (Class<?> listType : LIST_TYPES) {
            registerFor(types, listType, list);
        }

        types.register(LocalDateTime.class, new PgLocalDateTimeTypeHandler());
        types.register(OffsetDateTime.class, new PgOffsetDateTimeTypeHandler());
        types.register(ZonedDateTime.class, new PgZonedDateTimeTypeHandler());
        types.register(Instant.class, new PgInstantTypeHandler());
        types.register(InetAddress.class, new InetAddressTypeHandler());
        types.register(Duration.class, new DurationTypeHandler());

        if (defaultEnumHandler(types) == EnumTypeHandler.class) {
            configuration.setDefaultEnumTypeHandler(PgEnumTypeHandler.class);
        }
    }

    /**
     * Registers a {@link JsonCodecTypeHandler} of {@code codec} for each of {@code types}, stored as json/jsonb.
     *
     * @param configuration the configuration being built
     * @param codec         the application's JSON mapping
     * @param types         the application's types to store as JSON
     * @throws DatabaseError CONFIGURATION_ERROR naming the type, for a type that must not be a JSON type: one
     *                       MyBatis already has a handler for (String, Integer, LocalDate, a type given twice...), a
     *                       primitive, an array, an enum, {@code Object}, or a Map or Collection (a mapper whose
     *                       only parameter is a Map would then write the whole Map into every {@code #{...}} of
     *                       its statement)
     */
    public static void registerJson(Configuration configuration, JsonCodec codec, Collection<Class<?>> types) {
        Objects.requireNonNull(codec, "codec");
        TypeHandlerRegistry registry = configuration.getTypeHandlerRegistry();
        for (Class<?> type : types) {
            checkJsonType(registry, type);
            registerJson(registry, codec, type);
        }
    }

    private static <T> void registerJson(TypeHandlerRegistry registry, JsonCodec codec, Class<T> type) {
        registry.register(type, new JsonCodecTypeHandler<>(codec, type));
    }

    private static void checkJsonType(TypeHandlerRegistry registry, Class<?> type) {
        if (type == null) {
            throw new NullPointerException("jsonTypes(...) was given a null type");
        }
        String problem = null;
        if (type.isPrimitive() || type.isArray() || type.isEnum() || type == Object.class) {
            problem = "a primitive, an array, an enum or Object cannot be a JSON type";
        } else if (Map.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type)) {
            problem = "as a JSON type, a Map or Collection parameter would be written whole into every #{...} of "
                    + "its statement: wrap it in a class of your own (record Attributes(Map<String, Object> values)) "
                    + "and register that";
        } else if (registry.hasTypeHandler(type)) {
            // After the enum check: looking an enum up registers the default enum handler for it.
            problem = "it already has a type handler (" + registry.getTypeHandler(type).getClass().getSimpleName()
                    + "); a type can be given to jsonTypes once, and String, numbers and java.time types keep "
                    + "their handlers (for JSON text in a String, use postgresTypes() and #{value,jdbcType=OTHER})";
        }
        if (problem != null) {
            throw new DatabaseError(ErrorCode.CONFIGURATION_ERROR, "jsonTypes(...) cannot store " + type.getName()
                    + " as JSON: " + problem, List.of("Pass jsonTypes(...) only the application's own classes "
                    + "(records, POJOs, a JSON library's tree type)"), Map.of("type", type.getName()), null);
        }
    }

    /** {@code handler} for {@code type}; the handlers typed {@code Object} see why in their Javadoc. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void registerFor(TypeHandlerRegistry types, Class<?> type, TypeHandler<?> handler) {
        types.register((Class) type, (TypeHandler) handler);
    }

    /**
     * The class of the configuration's default enum handler, or {@code null} if it cannot be told. MyBatis 3.5
     * has no getter for it: the registry is asked for the handler of an enum nobody else uses, which it creates
     * from the default class (and keeps, harmlessly). A default handler that refuses this enum is not MyBatis's.
     */
    private static Class<?> defaultEnumHandler(TypeHandlerRegistry types) {
        try {
            TypeHandler<?> handler = types.getTypeHandler(DefaultEnumProbe.class);
            return handler == null ? null : handler.getClass();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The enum {@link #defaultEnumHandler} asks about. */
    private enum DefaultEnumProbe {
        PROBE
    }
}
