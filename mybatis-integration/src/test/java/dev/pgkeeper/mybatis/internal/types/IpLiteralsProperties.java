package dev.pgkeeper.mybatis.internal.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link IpLiterals} reads every spelling of an address PostgreSQL may print (compressed with {@code ::},
 * dotted quad at the end, upper or lower case) as the address, and anything else as no address, without a
 * name server.
 */
class IpLiteralsProperties {

    @Property(tries = 1000)
    void everySpellingOfAnAddressIsThatAddress(@ForAll("addresses") byte[] bytes, @ForAll boolean upperCase,
                                               @ForAll boolean dottedQuad) throws UnknownHostException {
        InetAddress address = InetAddress.getByAddress(bytes);
        String text = bytes.length == 4 ? address.getHostAddress() : compressed(bytes, dottedQuad);
        assertThat(IpLiterals.parse(upperCase ? text.toUpperCase(Locale.ROOT) : text)).isEqualTo(address);
        assertThat(IpLiterals.parse(address.getHostAddress())).as("Java's own spelling").isEqualTo(address);
    }

    @Example
    void whatIsNotALiteralIsNoAddress() {
        for (String text : new String[] {"", "localhost", "example.com", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3",
                "01234.1.1.1", "-1.1.1.1", "1.2.3.4 ", ":", ":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9",
                "1:2:3:4:5:6:7", "12345::", "g::", "::1.2.3", "1.2.3.4::", "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4",
                "fe80::1%eth0"}) {
            assertThat(IpLiterals.parse(text)).as(text).isNull();
        }
    }

    @Provide
    Arbitrary<byte[]> addresses() {
        Arbitrary<byte[]> v6 = Arbitraries.bytes().array(byte[].class).ofSize(16);
        Arbitrary<byte[]> sparse = v6.map(bytes -> {
            for (int i = 0; i < 16; i += 2) {
                if (bytes[i] % 3 == 0) {
                    bytes[i] = 0;
                    bytes[i + 1] = 0;
                }
            }
            return bytes;
        });
        return Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofSize(4), v6, sparse,
                Arbitraries.of(new byte[16], new byte[4]));
    }

    /** RFC 5952's spelling: lower-case groups, the longest run of two or more zero groups as "::". */
    private static String compressed(byte[] bytes, boolean dottedQuad) {
        int groupCount = dottedQuad ? 6 : 8;
        int[] groups = new int[groupCount];
        for (int g = 0; g < groupCount; g++) {
            groups[g] = ((bytes[2 * g] & 0xff) << 8) | (bytes[2 * g + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int g = 0; g < groupCount; g++) {
            int length = 0;
            while (g + length < groupCount && groups[g + length] == 0) {
                length++;
            }
            if (length > bestLength) {
                bestStart = g;
                bestLength = length;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int g = 0; g < groupCount; g++) {
            if (g == bestStart) {
                text.append("::");
                g += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[g]));
        }
        if (dottedQuad) {
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(bytes[12] & 0xff).append('.').append(bytes[13] & 0xff).append('.')
                    .append(bytes[14] & 0xff).append('.').append(bytes[15] & 0xff);
        }
        return text.toString();
    }
}
