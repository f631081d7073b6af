package dev.pgkeeper.mybatis.internal.types;

import dev.pgkeeper.mybatis.JsonCodec;
import java.util.Collection;
import org.apache.ibatis.session.Configuration;

/** Registers pgkeeper's type handlers for PostgreSQL's types with a MyBatis configuration. */
public final class PostgresTypeHandlers {

    private PostgresTypeHandlers() {
    }

    /** Registers the handlers for uuid, json/jsonb, arrays, enums, java.time, inet and interval. */
    public static void register(Configuration configuration) {
        // TODO types helper
    }

    /** Registers {@code codec} as the handler of each of {@code types}, stored as json/jsonb. */
    public static void registerJson(Configuration configuration, JsonCodec codec, Collection<Class<?>> types) {
        // TODO types helper
    }
}
