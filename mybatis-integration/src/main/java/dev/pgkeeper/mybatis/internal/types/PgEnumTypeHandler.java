package dev.pgkeeper.mybatis.internal.types;

import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Objects;
import org.apache.ibatis.type.BaseTypeHandler;
import org.apache.ibatis.type.JdbcType;

/**
 * A Java enum ↔ a PostgreSQL enum type (or {@code text}/{@code varchar}), by the constant's name. Written with
 * {@code setObject(i, name, Types.OTHER)}: a value of unspecified type, which the server turns into the
 * column's enum type, or text. MyBatis's {@code EnumTypeHandler} uses {@code setString}, a {@code varchar},
 * which PostgreSQL refuses for an enum column ("column ... is of type mood but expression is of type character
 * varying"). Read with {@code getString} and {@link Enum#valueOf}; a label that is not a constant fails,
 * naming the column, the label and the enum. Thread-safe.
 *
 * <p>MyBatis instantiates it by reflection, through the public constructor taking the enum's class, when it is
 * the default enum handler: {@code module-info} exports this package to MyBatis for that.
 *
 * @param <E> the enum type
 */
public final class PgEnumTypeHandler<E extends Enum<E>> extends BaseTypeHandler<E> {

    private final Class<E> type;

    /**
     * A handler of {@code type}.
     *
     * @param type the enum
     */
    public PgEnumTypeHandler(Class<E> type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    @Override
    public void setNonNullParameter(PreparedStatement ps, int i, E parameter, JdbcType jdbcType) throws SQLException {
        ps.setObject(i, parameter.name(), Types.OTHER);
    }

    @Override
    public E getNullableResult(ResultSet rs, String columnName) throws SQLException {
        return toEnum(rs.getString(columnName), ConversionFailures.column(columnName));
    }

    @Override
    public E getNullableResult(ResultSet rs, int columnIndex) throws SQLException {
        String label = rs.getString(columnIndex);
        return label == null ? null : toEnum(label, ConversionFailures.column(rs, columnIndex));
    }

    @Override
    public E getNullableResult(CallableStatement cs, int columnIndex) throws SQLException {
        return toEnum(cs.getString(columnIndex), ConversionFailures.outParameter(columnIndex));
    }

    private E toEnum(String label, String where) throws SQLException {
        if (label == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, label);
        } catch (IllegalArgumentException e) {
            throw ConversionFailures.cannotRead(where + " holds " + ConversionFailures.quote(label)
                    + ", which is not a constant of " + type.getName() + ": add the constant (names match labels "
                    + "exactly, case included), or map the labels in the SQL", e);
        }
    }

    @Override
    public String toString() {
        return "PgEnumTypeHandler[" + type.getName() + "]";
    }
}
