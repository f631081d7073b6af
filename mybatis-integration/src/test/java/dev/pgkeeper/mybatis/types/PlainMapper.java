package dev.pgkeeper.mybatis.types;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/**
 * A mapper that MyBatis can read with or without {@code postgresTypes()} (no property whose type only pgkeeper's
 * handlers know), so that the ITs can show a statement failing with plain MyBatis and working with
 * {@code postgresTypes()}.
 */
public interface PlainMapper {

    @Select("SELECT local_date AS local_date_time FROM type_values WHERE id = #{id}")
    LocalDateTime dateAsLocalDateTime(long id);

    @Insert("INSERT INTO type_values (id, mood) VALUES (#{id}, #{mood})")
    void insertMood(@Param("id") long id, @Param("mood") Mood mood);

    @Select("SELECT mood FROM type_values WHERE id = #{id}")
    Mood mood(long id);

    @Select("SELECT mood_text FROM type_values WHERE id = #{id}")
    Mood moodText(long id);

    @Insert("INSERT INTO type_values (id, mood_ordinal) VALUES (#{id}, #{mood})")
    void insertMoodOrdinal(@Param("id") long id, @Param("mood") Mood mood);

    @Select("SELECT mood_ordinal FROM type_values WHERE id = #{id}")
    Mood moodOrdinal(long id);

    @Select("SELECT mood_ordinal FROM type_values WHERE id = #{id}")
    Integer moodOrdinalNumber(long id);

    @Insert("INSERT INTO type_values (id, zoned_date_time) VALUES (#{id}, #{value})")
    void insertZonedDateTime(@Param("id") long id, @Param("value") ZonedDateTime value);

    @Select("SELECT zoned_date_time FROM type_values WHERE id = #{id}")
    ZonedDateTime zonedDateTime(long id);

    @Insert("INSERT INTO type_values (id, offset_date_time) VALUES (#{id}, #{value})")
    void insertOffsetDateTime(@Param("id") long id, @Param("value") OffsetDateTime value);

    @Select("SELECT offset_date_time FROM type_values WHERE id = #{id}")
    OffsetDateTime offsetDateTime(long id);

    @Insert("INSERT INTO type_values (id, instant) VALUES (#{id}, #{value})")
    void insertInstant(@Param("id") long id, @Param("value") Instant value);

    @Select("SELECT instant FROM type_values WHERE id = #{id}")
    Instant instant(long id);

    /** The instant as the server holds it, at UTC. */
    @Select("SELECT to_char(instant AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS AD') FROM type_values WHERE id = #{id}")
    String instantInSql(long id);

    @Insert("INSERT INTO type_values (id, jsonb_text) VALUES (#{id}, #{json})")
    void insertJsonbWithoutJdbcType(@Param("id") long id, @Param("json") String json);

    @Insert("INSERT INTO type_values (id, jsonb_text) VALUES (#{id}, #{json,jdbcType=OTHER})")
    void insertJsonb(@Param("id") long id, @Param("json") String json);

    /** jsonb auto-mapped into {@link TypeValues#jsonbText}, a String, with no jdbcType or typeHandler. */
    @Select("SELECT id, jsonb_text FROM type_values WHERE id = #{id}")
    TypeValues jsonbRow(long id);

    @Select("SELECT #{text}::interval")
    Duration interval(@Param("text") String text);

    /** Only inside a transaction: SET LOCAL ends with it, so no pooled connection keeps the style. */
    @Update("SET LOCAL IntervalStyle = 'iso_8601'")
    void useIsoIntervalStyle();

    @Select("SELECT #{text}::inet")
    InetAddress inet(@Param("text") String text);

    @Select("SELECT #{text}::cidr")
    InetAddress cidr(@Param("text") String text);

    /** One element of the only parameter, a List. */
    @Select("SELECT #{list[1]}")
    String secondOf(List<String> list);

    /** One element of the only parameter, an array. */
    @Select("SELECT #{array[1]}")
    String secondOfArray(String[] array);

    @Insert("INSERT INTO type_values (id, integer_array) "
            + "VALUES (#{id}, #{value,typeHandler=org.apache.ibatis.type.ArrayTypeHandler})")
    void insertWithMyBatissArrayHandler(@Param("id") long id, @Param("value") Integer[] value);

    /** Each column as MyBatis reads it for a Map: an array through MyBatis's ArrayTypeHandler. */
    @Select("SELECT integer_array FROM type_values WHERE id = #{id}")
    Map<String, Object> integerArrayAsMap(long id);
}
