package dev.pgkeeper.mybatis.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Java arrays and Lists ↔ PostgreSQL arrays through a mapper built with {@code postgresTypes()}: each array type
 * in a column of the matching array type, with NULL elements (wrapper arrays and Lists), empty arrays, null
 * arrays, the extremes of each element type (NaN, ±Infinity and -0 for floating point) and text that arrays
 * quote (quotes, backslashes, commas, braces, "NULL", spaces). A List is written both as a bean property and as
 * a {@code @Param} of each JDK list class; an empty List is sent untyped and takes the column's array type.
 */
class ArrayProperties {

    private static TypesDatabase db;

    @BeforeContainer
    static void start() throws SQLException {
        db = TypesDatabase.start("ArrayProperties");
    }

    @AfterContainer
    static void stop() {
        db.close();
    }

    private static <T> void roundTrips(T value, BiConsumer<TypeValues, T> set, Function<TypeValues, T> get) {
        assertThat(get.apply(db.roundTrip(v -> set.accept(v, value)))).isEqualTo(value);
        db.assertNothingLeaked();
    }

    @Property(tries = 100)
    @Label("String[] <-> text[]")
    void stringArrays(@ForAll("stringArrays") String[] value) {
        roundTrips(value, (v, x) -> v.textArray = x, v -> v.textArray);
    }

    @Property(tries = 100)
    @Label("Integer[] <-> int4[]")
    void integerArrays(@ForAll("integerArrays") Integer[] value) {
        roundTrips(value, (v, x) -> v.integerArray = x, v -> v.integerArray);
    }

    @Property(tries = 100)
    @Label("int[] <-> int4[]")
    void intArrays(@ForAll("intArrays") int[] value) {
        roundTrips(value, (v, x) -> v.intArray = x, v -> v.intArray);
    }

    @Property(tries = 100)
    @Label("Long[] <-> int8[]")
    void longArrays(@ForAll("longArrays") Long[] value) {
        roundTrips(value, (v, x) -> v.longArray = x, v -> v.longArray);
    }

    @Property(tries = 100)
    @Label("long[] <-> int8[]")
    void primitiveLongArrays(@ForAll("primitiveLongArrays") long[] value) {
        roundTrips(value, (v, x) -> v.primitiveLongArray = x, v -> v.primitiveLongArray);
    }

    @Property(tries = 100)
    @Label("Short[] <-> int2[]")
    void shortArrays(@ForAll("shortArrays") Short[] value) {
        roundTrips(value, (v, x) -> v.shortArray = x, v -> v.shortArray);
    }

    @Property(tries = 100)
    @Label("Double[] <-> float8[], NaN, ±Infinity and -0 included")
    void doubleArrays(@ForAll("doubleArrays") Double[] value) {
        roundTrips(value, (v, x) -> v.doubleArray = x, v -> v.doubleArray);
    }

    @Property(tries = 100)
    @Label("double[] <-> float8[], NaN, ±Infinity and -0 included")
    void primitiveDoubleArrays(@ForAll("primitiveDoubleArrays") double[] value) {
        roundTrips(value, (v, x) -> v.primitiveDoubleArray = x, v -> v.primitiveDoubleArray);
    }

    @Property(tries = 100)
    @Label("Float[] <-> float4[], NaN, ±Infinity and -0 included")
    void floatArrays(@ForAll("floatArrays") Float[] value) {
        roundTrips(value, (v, x) -> v.floatArray = x, v -> v.floatArray);
    }

    @Property(tries = 100)
    @Label("Boolean[] <-> bool[]")
    void booleanArrays(@ForAll("booleanArrays") Boolean[] value) {
        roundTrips(value, (v, x) -> v.booleanArray = x, v -> v.booleanArray);
    }

    @Property(tries = 100)
    @Label("BigDecimal[] <-> numeric[], scale included")
    void decimalArrays(@ForAll("decimalArrays") BigDecimal[] value) {
        roundTrips(value, (v, x) -> v.decimalArray = x, v -> v.decimalArray);
    }

    @Property(tries = 100)
    @Label("UUID[] <-> uuid[]")
    void uuidArrays(@ForAll("uuidArrays") UUID[] value) {
        roundTrips(value, (v, x) -> v.uuidArray = x, v -> v.uuidArray);
    }

    @Property(tries = 100)
    @Label("LocalDate[] <-> date[], 4713 BC to 5874897 AD and ±infinity")
    void dateArrays(@ForAll("dateArrays") LocalDate[] value) {
        roundTrips(value, (v, x) -> v.dateArray = x, v -> v.dateArray);
    }

    @Property(tries = 100)
    @Label("List<String> property <-> text[]")
    void stringLists(@ForAll("stringLists") List<String> value) {
        roundTrips(value, (v, x) -> v.textList = x, v -> v.textList);
    }

    @Property(tries = 100)
    @Label("List<Long> property <-> int8[]")
    void longLists(@ForAll("longLists") List<Long> value) {
        roundTrips(value, (v, x) -> v.longList = x, v -> v.longList);
    }

    @Property(tries = 100)
    @Label("a List @Param of any JDK list class <-> text[], empty and NULLs only included")
    void stringListParameters(@ForAll("stringLists") List<String> elements, @ForAll ListKind kind) {
        List<String> value = elements == null ? null : kind.of(elements);
        long id = TypesDatabase.nextId();
        db.mapper.insertTextList(id, value);
        assertThat(db.mapper.find(id).textList).isEqualTo(value);
        db.assertNothingLeaked();
    }

    @Property(tries = 100)
    @Label("a List @Param of any JDK list class <-> int8[], empty and NULLs only included")
    void longListParameters(@ForAll("longLists") List<Long> elements, @ForAll ListKind kind) {
        List<Long> value = elements == null ? null : kind.of(elements);
        long id = TypesDatabase.nextId();
        db.mapper.insertLongList(id, value);
        assertThat(db.mapper.find(id).longList).isEqualTo(value);
        db.assertNothingLeaked();
    }

    @Property(tries = 100)
    @Label("a List @Param in '= ANY(#{ids})' takes the array type of the column, empty included")
    void aListParameterMeetsAnyArrayType(@ForAll("longLists") List<Long> others, @ForAll boolean includeRow,
                                         @ForAll ListKind kind) {
        long id = TypesDatabase.nextId();
        db.roundTrip(v -> v.id = id);
        List<Long> ids = new ArrayList<>(others == null ? List.of() : others);
        ids.removeIf(other -> other != null && other > 0); // never another test's row
        if (includeRow) {
            ids.add(id);
        }
        assertThat(db.mapper.countAmong(kind.of(ids))).isEqualTo(includeRow ? 1 : 0);
        db.assertNothingLeaked();
    }

    /** The JDK's List classes a {@code @Param} may be; those that refuse nulls get a list without them. */
    enum ListKind {
        ARRAY_LIST {
            @Override
            <T> List<T> of(List<T> elements) {
                return new ArrayList<>(elements);
            }
        },
        LINKED_LIST {
            @Override
            <T> List<T> of(List<T> elements) {
                return new LinkedList<>(elements);
            }
        },
        ARRAYS_AS_LIST {
            @Override
            <T> List<T> of(List<T> elements) {
                @SuppressWarnings("unchecked")
                T[] array = (T[]) elements.toArray();
                return Arrays.asList(array);
            }
        },
        UNMODIFIABLE {
            @Override
            <T> List<T> of(List<T> elements) {
                return Collections.unmodifiableList(new ArrayList<>(elements));
            }
        },
        STREAM_TO_LIST {
            @Override
            <T> List<T> of(List<T> elements) {
                return elements.stream().toList();
            }
        },
        LIST_COPY_OF {
            @Override
            <T> List<T> of(List<T> elements) {
                return List.copyOf(elements.stream().filter(Objects::nonNull).toList());
            }
        };

        abstract <T> List<T> of(List<T> elements);
    }

    @Provide
    Arbitrary<String[]> stringArrays() {
        return TypeArbitraries.text().injectNull(0.1).array(String[].class).ofMaxSize(6).injectNull(0.05);
    }

    @Provide
    Arbitrary<Integer[]> integerArrays() {
        return Arbitraries.integers().injectNull(0.1).array(Integer[].class).ofMaxSize(6).injectNull(0.05);
    }

    @Provide
    Arbitrary<int[]> intArrays() {
        return Arbitraries.integers().list().ofMaxSize(6)
                .map(l -> l.stream().mapToInt(Integer::intValue).toArray()).injectNull(0.05);
    }

    @Provide
    Arbitrary<Long[]> longArrays() {
        return Arbitraries.longs().injectNull(0.1).array(Long[].class).ofMaxSize(6).injectNull(0.05);
    }

    @Provide
    Arbitrary<long[]> primitiveLongArrays() {
        return Arbitraries.longs().list().ofMaxSize(6)
                .map(l -> l.stream().mapToLong(Long::longValue).toArray()).injectNull(0.05);
    }

    @Provide
    Arbitrary<Short[]> shortArrays() {
        return Arbitraries.shorts().injectNull(0.1).array(Short[].class).ofMaxSize(6).injectNull(0.05);
    }

    private static Arbitrary<Double> doubles() {
        return Arbitraries.doubles().withStandardSpecialValues().withSpecialValue(-0.0)
                .withSpecialValue(Double.MAX_VALUE).withSpecialValue(-Double.MAX_VALUE);
    }

    @Provide
    Arbitrary<Double[]> doubleArrays() {
        return doubles().injectNull(0.1).array(Double[].class).ofMaxSize(6).injectNull(0.05);
    }

    @Provide
    Arbitrary<double[]> primitiveDoubleArrays() {
        return doubles().list().ofMaxSize(6)
                .map(l -> l.stream().mapToDouble(Double::doubleValue).toArray()).injectNull(0.05);
    }

    @Provide
    Arbitrary<Float[]> floatArrays() {
        return Arbitraries.floats().withStandardSpecialValues().withSpecialValue(-0.0f)
                .withSpecialValue(Float.MAX_VALUE).withSpecialValue(-Float.MAX_VALUE)
                .injectNull(0.1).array(Float[].class).ofMaxSize(6).injectNull(0.05);
    }

    @Provide
    Arbitrary<Boolean[]> booleanArrays() {
        return Arbitraries.of(true, false).injectNull(0.2).array(Boolean[].class).ofMaxSize(6).injectNull(0.05);
    }

    @Provide
    Arbitrary<BigDecimal[]> decimalArrays() {
        return TypeArbitraries.decimals().injectNull(0.1).array(BigDecimal[].class).ofMaxSize(6).injectNull(0.05);
    }

    @Provide
    Arbitrary<UUID[]> uuidArrays() {
        return Arbitraries.longs().tuple2().map(t -> new UUID(t.get1(), t.get2()))
                .injectNull(0.1).array(UUID[].class).ofMaxSize(6).injectNull(0.05);
    }

    @Provide
    Arbitrary<LocalDate[]> dateArrays() {
        return TypeArbitraries.dates().injectNull(0.1).array(LocalDate[].class).ofMaxSize(6).injectNull(0.05);
    }

    @Provide
    Arbitrary<List<String>> stringLists() {
        return Arbitraries.oneOf(
                TypeArbitraries.text().injectNull(0.1).list().ofMaxSize(6),
                Arbitraries.<List<String>>of(List.of(), Arrays.asList((String) null), Arrays.asList(null, null)))
                .injectNull(0.05);
    }

    @Provide
    Arbitrary<List<Long>> longLists() {
        return Arbitraries.oneOf(
                Arbitraries.longs().injectNull(0.1).list().ofMaxSize(6),
                Arbitraries.<List<Long>>of(List.of(), Arrays.asList((Long) null), Arrays.asList(null, null)))
                .injectNull(0.05);
    }
}
