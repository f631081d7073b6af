package dev.pgkeeper.mybatis.types;

import java.util.List;
import java.util.UUID;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

/**
 * The type tests' annotation mapper. {@link #insert} binds each property by its declared type (no
 * {@code typeHandler}, only {@code jdbcType=OTHER} for JSON text) and {@link #find} maps every column
 * automatically; the {@code @Param} methods bind values whose handler MyBatis picks at run time from the value's
 * class.
 */
public interface TypesMapper {

    String COLUMNS = """
            id, uuid_value, json_text, jsonb_text, address, text_array, integer_array, int_array, long_array,
            primitive_long_array, short_array, double_array, primitive_double_array, float_array, boolean_array,
            decimal_array, uuid_array, date_array, text_list, long_list, mood, mood_text, local_date, local_time,
            local_date_time, offset_date_time, instant, zoned_date_time, inet, duration""";

    @Insert("INSERT INTO type_values (" + COLUMNS + ") VALUES ("
            + "#{id}, #{uuidValue}, #{jsonText,jdbcType=OTHER}, #{jsonbText,jdbcType=OTHER}, #{address}, #{textArray}, "
            + "#{integerArray}, #{intArray}, #{longArray}, #{primitiveLongArray}, #{shortArray}, #{doubleArray}, "
            + "#{primitiveDoubleArray}, #{floatArray}, #{booleanArray}, #{decimalArray}, #{uuidArray}, #{dateArray}, "
            + "#{textList}, #{longList}, #{mood}, #{moodText}, #{localDate}, #{localTime}, #{localDateTime}, "
            + "#{offsetDateTime}, #{instant}, #{zonedDateTime}, #{inet}, #{duration})")
    void insert(TypeValues values);

    @Select("SELECT " + COLUMNS + " FROM type_values WHERE id = #{id}")
    TypeValues find(long id);

    /** The date column read into the LocalDateTime property. */
    @Select("SELECT id, local_date AS local_date_time FROM type_values WHERE id = #{id}")
    TypeValues findDateAsLocalDateTime(long id);

    /** Column {@code column} read into the property of column {@code as} (both snake_case names, not user input). */
    @Select("SELECT id, ${column} AS ${as} FROM type_values WHERE id = #{id}")
    TypeValues findAs(@Param("id") long id, @Param("column") String column, @Param("as") String as);

    @Insert("INSERT INTO type_values (id, uuid_value) VALUES (#{id}, #{value})")
    void insertUuid(@Param("id") long id, @Param("value") UUID value);

    @Select("SELECT uuid_value FROM type_values WHERE id = #{id}")
    UUID uuid(long id);

    @Insert("INSERT INTO type_values (id, text_list) VALUES (#{id}, #{value})")
    void insertTextList(@Param("id") long id, @Param("value") List<String> value);

    @Insert("INSERT INTO type_values (id, long_list) VALUES (#{id}, #{value})")
    void insertLongList(@Param("id") long id, @Param("value") List<Long> value);

    @Select("SELECT count(*) FROM type_values WHERE id = ANY(#{ids})")
    long countAmong(@Param("ids") List<Long> ids);
}
