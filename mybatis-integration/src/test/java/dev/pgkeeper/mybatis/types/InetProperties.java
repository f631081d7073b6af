package dev.pgkeeper.mybatis.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * {@code java.net.InetAddress} ↔ {@code inet} through a mapper built with {@code postgresTypes()}: IPv4 and IPv6
 * addresses, the forms PostgreSQL prints with a dotted quad ({@code ::a.b.c.d}, {@code ::ffff:a.b.c.d}, which
 * Java holds as IPv4) included. Addresses come from bytes, never from a name.
 */
class InetProperties {

    private static TypesDatabase db;

    @BeforeContainer
    static void start() throws SQLException {
        db = TypesDatabase.start("InetProperties");
    }

    @AfterContainer
    static void stop() {
        db.close();
    }

    @Property(tries = 100)
    @Label("an InetAddress property is written into an inet column and read back equal, null included")
    void anAddressRoundTrips(@ForAll("addresses") InetAddress address) {
        assertThat(db.roundTrip(v -> v.inet = address).inet).isEqualTo(address);
        db.assertNothingLeaked();
    }

    @Provide
    Arbitrary<InetAddress> addresses() {
        Arbitrary<byte[]> v4 = Arbitraries.bytes().array(byte[].class).ofSize(4);
        Arbitrary<byte[]> v6 = Arbitraries.bytes().array(byte[].class).ofSize(16);
        // ::a.b.c.d (IPv4-compatible) and ::ffff:a.b.c.d (IPv4-mapped): PostgreSQL prints both with a dotted quad.
        Arbitrary<byte[]> embedded = Arbitraries.bytes().array(byte[].class).ofSize(4).tuple2().map(t -> {
            byte[] bytes = new byte[16];
            if (t.get2()[0] % 2 == 0) {
                bytes[10] = (byte) 0xff;
                bytes[11] = (byte) 0xff;
            }
            System.arraycopy(t.get1(), 0, bytes, 12, 4);
            return bytes;
        });
        // Runs of zero groups, where "::" goes.
        Arbitrary<byte[]> sparse = v6.tuple2().map(t -> {
            byte[] bytes = t.get1().clone();
            int from = Math.floorMod(t.get2()[0], 16);
            int to = from + Math.floorMod(t.get2()[1], 16 - from + 1);
            Arrays.fill(bytes, from, to, (byte) 0);
            return bytes;
        });
        Arbitrary<byte[]> edges = Arbitraries.of(new byte[4], new byte[] {-1, -1, -1, -1}, new byte[16],
                loopback6(), allOnes(16));
        return Arbitraries.frequencyOf(Tuple.of(3, v4), Tuple.of(3, v6), Tuple.of(2, embedded), Tuple.of(2, sparse),
                        Tuple.of(1, edges))
                .map(InetProperties::address).injectNull(0.05);
    }

    private static byte[] loopback6() {
        byte[] bytes = new byte[16];
        bytes[15] = 1;
        return bytes;
    }

    private static byte[] allOnes(int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) -1);
        return bytes;
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
