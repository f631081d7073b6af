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
 * MyBatisClient client = MyBatisClient.builder().jsonTypes(codec, Address.class, Preferences.class).build();
 * }</pre>
 *
 * <p>The JSON text is sent as a value of unspecified type, so the server turns it into the column's
 * {@code json} or {@code jsonb}; a SQL {@code NULL} is never given to the codec (a null property is written as
 * NULL, a NULL column read as {@code null}). An exception thrown by the codec fails the statement with a
 * {@link dev.pgkeeper.DatabaseError} of code {@link dev.pgkeeper.ErrorCode#DATA_ERROR} whose message names the
 * type (and, when reading, the column) and whose cause chain holds the codec's exception. A {@code jsonb} column
 * gives back its own normalized text (keys sorted, whitespace and duplicate keys dropped), not the text written.
 *
 * <p>Implementations must be thread-safe: one codec serves every statement of the client.
 */
public interface JsonCodec {

    /**
     * The JSON text of {@code value}.
     *
     * @param value a value of one of the types the codec was registered for (or of a subclass); never
     *              {@code null}
     * @return JSON text; not {@code null} (return {@code "null"} for JSON's null)
     * @throws Exception when the value cannot be written; the statement then fails with a
     *                   {@link dev.pgkeeper.ErrorCode#DATA_ERROR} naming the type
     */
    String toJson(Object value) throws Exception;

    /**
     * The value that {@code json} describes.
     *
     * @param <T> the type to read
     * @param json JSON text as the server returned it; never {@code null}
     * @param type the type to read: the registered type of the property or result
     * @return the value
     * @throws Exception when the text cannot be read as {@code type}; the statement then fails with a
     *                   {@link dev.pgkeeper.ErrorCode#DATA_ERROR} naming the column and the type
     */
    <T> T fromJson(String json, Class<T> type) throws Exception;
}
