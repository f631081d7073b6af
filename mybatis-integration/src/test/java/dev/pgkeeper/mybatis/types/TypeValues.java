package dev.pgkeeper.mybatis.types;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.UUID;

/**
 * One row of {@code type_values}: a property of each Java type the handlers cover, named after its column
 * (map-underscore-to-camel-case). MyBatis reads and writes the public fields directly; a property test sets one
 * and leaves the others null.
 */
public final class TypeValues {
    public long id;

    public UUID uuidValue;

    public String jsonText;
    public String jsonbText;
    public Address address;

    public String[] textArray;
    public Integer[] integerArray;
    public int[] intArray;
    public Long[] longArray;
    public long[] primitiveLongArray;
    public Short[] shortArray;
    public Double[] doubleArray;
    public double[] primitiveDoubleArray;
    public Float[] floatArray;
    public Boolean[] booleanArray;
    public BigDecimal[] decimalArray;
    public UUID[] uuidArray;
    public LocalDate[] dateArray;
    public List<String> textList;
    public List<Long> longList;

    public Mood mood;
    public Mood moodText;

    public LocalDate localDate;
    public LocalTime localTime;
    public LocalDateTime localDateTime;
    public OffsetDateTime offsetDateTime;
    public Instant instant;
    public ZonedDateTime zonedDateTime;

    public InetAddress inet;

    public Duration duration;
}
