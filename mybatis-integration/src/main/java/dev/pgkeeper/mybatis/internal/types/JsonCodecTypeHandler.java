package dev.pgkeeper.mybatis.internal.types;

import dev.pgkeeper.mybatis.JsonCodec;
import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Objects;
import org.apache.ibatis.type.BaseTypeHandler;
import org.apache.ibatis.type.JdbcType;

/**
 * One application type ↔ {@code json}/{@code jsonb}, through the application's {@link JsonCodec}: written as
 * the codec's JSON text with {@code setObject(i, json, Types.OTHER)} (the server infers json or jsonb from
 * the column), read by giving the column's text to the codec. A failure of the codec becomes an
 * {@link SQLException} naming the type and, when reading, the column. Thread-safe when the codec is.
 *
 * @param <T> the application type
 */
public final class JsonCodecTypeHandler<T> extends BaseTypeHandler<T> {

    private final JsonCodec codec;
    private final Class<T> type;

    /**
     * A handler of {@code type} that uses {@code codec}.
     *
     * @param codec the application's JSON mapping
     * @param type  the type it writes and reads
     */
    public JsonCodecTypeHandler(JsonCodec codec, Class<T> type) {
        this.codec = Objects.requireNonNull(codec, "codec");
        this.type = Objects.requireNonNull(type, "type");
    }

    @Override
    public void setNonNullParameter(PreparedStatement ps, int i, T parameter, JdbcType jdbcType) throws SQLException {
        String json;
        try {
            json = codec.toJson(parameter);
        } catch (Exception e) {
            throw ConversionFailures.cannotWrite(i, "The JsonCodec could not write a " + type.getName()
                    + " as JSON (" + describe(e) + "): fix the codec's mapping of " + type.getSimpleName()
                    + "; the codec's exception is the cause", e);
        }
        if (json == null) {
            throw ConversionFailures.cannotWrite(i, "The JsonCodec returned null for a " + type.getName()
                    + ": toJson must return JSON text (\"null\" for JSON's null)", null);
        }
        ps.setObject(i, json, Types.OTHER);
    }

    @Override
    public T getNullableResult(ResultSet rs, String columnName) throws SQLException {
        return read(rs.getString(columnName), ConversionFailures.column(columnName));
    }

    @Override
    public T getNullableResult(ResultSet rs, int columnIndex) throws SQLException {
        String json = rs.getString(columnIndex);
        return json == null ? null : read(json, ConversionFailures.column(rs, columnIndex));
    }

    @Override
    public T getNullableResult(CallableStatement cs, int columnIndex) throws SQLException {
        return read(cs.getString(columnIndex), ConversionFailures.outParameter(columnIndex));
    }

    private T read(String json, String where) throws SQLException {
        if (json == null) {
            return null;
        }
        try {
            return codec.fromJson(json, type);
        } catch (Exception e) {
            throw ConversionFailures.cannotRead("The JsonCodec could not read " + where + " as a " + type.getName()
                    + " (" + describe(e) + "): fix the stored JSON or the codec's mapping of "
                    + type.getSimpleName() + "; the codec's exception is the cause", e);
        }
    }

    /** The exception's type and the first line of its message: a JSON library's messages run over many lines. */
    private static String describe(Exception e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getName();
        }
        int newline = message.indexOf('\n');
        return e.getClass().getSimpleName() + ": " + (newline < 0 ? message : message.substring(0, newline));
    }

    @Override
    public String toString() {
        return "JsonCodecTypeHandler[" + type.getName() + "]";
    }
}
