package dev.pgkeeper.mybatis.internal.types;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import org.apache.ibatis.type.BaseTypeHandler;
import org.apache.ibatis.type.JdbcType;

/**
 * {@link InetAddress} ↔ {@code inet} (or {@code cidr}): one host address. Written as
 * {@link InetAddress#getHostAddress()} with {@code Types.OTHER}, so the server reads it as the column's type.
 * Read from the server's text: a {@code /32} (IPv4) or {@code /128} (IPv6) netmask, which only says "one host",
 * is dropped; any other netmask means a network, which an InetAddress cannot hold, and fails the read. The
 * text is parsed as an IP literal ({@link IpLiterals}): no name server is ever asked. An IPv6 address with a
 * zone ({@code fe80::1%eth0}) cannot be stored, since {@code inet} has no zone. Java turns IPv4-mapped IPv6
 * addresses ({@code ::ffff:1.2.3.4}) into IPv4 ones, so such an {@code inet} reads back as IPv4. Thread-safe.
 */
public final class InetAddressTypeHandler extends BaseTypeHandler<InetAddress> {

    @Override
    public void setNonNullParameter(PreparedStatement ps, int i, InetAddress parameter, JdbcType jdbcType)
            throws SQLException {
        if (parameter instanceof Inet6Address v6 && (v6.getScopeId() != 0 || v6.getScopedInterface() != null)) {
            throw ConversionFailures.cannotWrite(i, "The IPv6 address " + parameter.getHostAddress()
                    + " has a zone, which inet cannot hold: store the address without it, and the zone in a "
                    + "column of its own", null);
        }
        ps.setObject(i, parameter.getHostAddress(), Types.OTHER);
    }

    @Override
    public InetAddress getNullableResult(ResultSet rs, String columnName) throws SQLException {
        return toAddress(rs.getString(columnName), ConversionFailures.column(columnName));
    }

    @Override
    public InetAddress getNullableResult(ResultSet rs, int columnIndex) throws SQLException {
        String text = rs.getString(columnIndex);
        return text == null ? null : toAddress(text, ConversionFailures.column(rs, columnIndex));
    }

    @Override
    public InetAddress getNullableResult(CallableStatement cs, int columnIndex) throws SQLException {
        return toAddress(cs.getString(columnIndex), ConversionFailures.outParameter(columnIndex));
    }

    private static InetAddress toAddress(String text, String where) throws SQLException {
        if (text == null) {
            return null;
        }
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        InetAddress parsed = IpLiterals.parse(address);
        if (parsed == null) {
            throw ConversionFailures.cannotRead(where + " holds " + ConversionFailures.quote(text)
                    + ", which is not an IP address: read it as String", null);
        }
        if (slash >= 0) {
            String hostMask = address.indexOf(':') >= 0 ? "128" : "32";
            if (!text.substring(slash + 1).equals(hostMask)) {
                throw ConversionFailures.cannotRead(where + " holds the network " + text + ", not one address "
                        + "(that would be /" + hostMask + "): read it as String, or select host(column) for its "
                        + "address alone", null);
            }
        }
        return parsed;
    }
}
