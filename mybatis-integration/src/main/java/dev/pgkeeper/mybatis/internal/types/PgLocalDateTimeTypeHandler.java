package dev.pgkeeper.mybatis.internal.types;

import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.apache.ibatis.type.BaseTypeHandler;
import org.apache.ibatis.type.JdbcType;

/**
 * {@link LocalDateTime} ↔ {@code timestamp}, and a {@code date} read as midnight of its day, replacing MyBatis's
 * handler: pgjdbc refuses {@code getObject(column, LocalDateTime.class)} on a {@code date} ("Cannot convert the
 * column of type DATE to requested type java.time.LocalDateTime"), where other drivers return midnight. The
 * column's type comes from the result's metadata, which pgjdbc keeps for the whole result, so no row pays for a
 * failed conversion. A date's ±infinity reads as {@code LocalDateTime.MAX/MIN}, as a timestamp's does in pgjdbc.
 * Other columns (a {@code timestamptz}, say) are left to pgjdbc and its message. Written with
 * {@code setObject}, as MyBatis does. Thread-safe.
 */
public final class PgLocalDateTimeTypeHandler extends BaseTypeHandler<LocalDateTime> {

    @Override
    public void setNonNullParameter(PreparedStatement ps, int i, LocalDateTime parameter, JdbcType jdbcType)
            throws SQLException {
        ps.setObject(i, parameter);
    }

    @Override
    public LocalDateTime getNullableResult(ResultSet rs, String columnName) throws SQLException {
        return getNullableResult(rs, rs.findColumn(columnName));
    }

    @Override
    public LocalDateTime getNullableResult(ResultSet rs, int columnIndex) throws SQLException {
        if (rs.getMetaData().getColumnType(columnIndex) == Types.DATE) {
            return midnight(rs.getObject(columnIndex, LocalDate.class));
        }
        return rs.getObject(columnIndex, LocalDateTime.class);
    }

    @Override
    public LocalDateTime getNullableResult(CallableStatement cs, int columnIndex) throws SQLException {
        return cs.getObject(columnIndex, LocalDateTime.class);
    }

    private static LocalDateTime midnight(LocalDate date) {
        if (date == null) {
            return null;
        }
        if (date.equals(LocalDate.MAX)) {
            return LocalDateTime.MAX;
        }
        if (date.equals(LocalDate.MIN)) {
            return LocalDateTime.MIN;
        }
        return date.atStartOfDay();
    }
}
