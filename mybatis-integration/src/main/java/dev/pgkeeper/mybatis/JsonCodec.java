package dev.pgkeeper.mybatis;

/**
 * Turns the application's own types into JSON text and back, with the application's JSON library, so that
 * they can be stored in {@code json} and {@code jsonb} columns; see
 * {@link MyBatisClient.Builder#jsonTypes(JsonCodec, Class[])}. pgkeeper-mybatis depends on no JSON library.
 *
 * <pre>{@code
 * ObjectMapper json = new ObjectMapper();
 * JsonCodec codec = new JsonCodec() {
 *     public String toJson(Object value) throws Exception { return json.writeValueAsString(value); }
 *     public <T> T fromJson(String text, Class<T> type) throws Exception { return json.readValue(text, type); }
 * };
 * }</pre>
 *
 * <p>Implementations must be thread-safe.
 */
public interface JsonCodec {

    /**
     * The JSON text of {@code value}.
     *
     * @param value a value of one of the types the codec was registered for; never {@code null}
     * @return JSON text
     * @throws Exception when the value cannot be written; the statement then fails with a categorized error
     */
    String toJson(Object value) throws Exception;

    /**
     * The value that {@code json} describes.
     *
     * @param <T> the type to read
     * @param json JSON text as the server returned it; never {@code null}
     * @param type the type to read
     * @return the value
     * @throws Exception when the text cannot be read as {@code type}
     */
    <T> T fromJson(String json, Class<T> type) throws Exception;
}
