package dev.pgkeeper.mybatis.types;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgkeeper.mybatis.JsonCodec;

/** A {@link JsonCodec} as an application would write it, on Jackson. */
public final class JacksonCodec implements JsonCodec {

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public String toJson(Object value) throws Exception {
        return json.writeValueAsString(value);
    }

    @Override
    public <T> T fromJson(String text, Class<T> type) throws Exception {
        return json.readValue(text, type);
    }
}
