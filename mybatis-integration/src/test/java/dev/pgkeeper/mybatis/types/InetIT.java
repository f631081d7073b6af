package dev.pgkeeper.mybatis.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/** {@code inet} and {@code cidr} read as an {@code InetAddress}: host masks, networks, zones. */
class InetIT extends TypesTest {

    @Test
    void aNetworkFailsSayingToReadItAsString() {
        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> db.plain.inet("192.168.7.0/24"));
        assertThat(e.code()).isEqualTo(ErrorCode.DATA_ERROR);
        assertThat(e.getMessage()).contains("192.168.7.0/24", "not one address", "read it as String");
    }

    @Test
    void aHostMaskIsDropped() throws UnknownHostException {
        assertThat(db.plain.cidr("10.1.2.3/32")).isEqualTo(InetAddress.getByAddress(new byte[] {10, 1, 2, 3}));
        assertThat(db.plain.inet("2001:db8::1/128"))
                .isEqualTo(InetAddress.getByAddress(new byte[] {32, 1, 13, -72, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
    }

    @Test
    void anIpv4MappedAddressReadsAsIpv4AsJavaHoldsIt() throws UnknownHostException {
        assertThat(db.plain.inet("::ffff:1.2.3.4")).isEqualTo(InetAddress.getByAddress(new byte[] {1, 2, 3, 4}));
    }

    @Test
    void anAddressWithAZoneIsRefused() throws UnknownHostException {
        byte[] linkLocal = new byte[16];
        linkLocal[0] = (byte) 0xfe;
        linkLocal[1] = (byte) 0x80;
        linkLocal[15] = 1;
        Inet6Address scoped = Inet6Address.getByAddress(null, linkLocal, 3);

        DatabaseError e = catchThrowableOfType(DatabaseError.class, () -> db.roundTrip(v -> v.inet = scoped));
        assertThat(e.code()).isEqualTo(ErrorCode.DATA_ERROR);
        assertThat(e.getMessage()).contains("fe80:0:0:0:0:0:0:1%3", "has a zone");
    }
}
