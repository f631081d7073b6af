package dev.pgkeeper.mybatis.internal.types;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses the IP address literals PostgreSQL prints for {@code inet} and {@code cidr} into {@link InetAddress}es
 * through {@link InetAddress#getByAddress(byte[])}, which never asks a name server ({@code getByName} would,
 * for text that is not a literal). IPv4 is a dotted quad; IPv6 is up to eight hexadecimal groups with one
 * {@code ::} at most and an optional dotted quad at the end. Zone ids are refused: PostgreSQL has none.
 * Stateless.
 */
final class IpLiterals {

    private IpLiterals() {
    }

    /** The address {@code text} spells, or {@code null} when it is not an IPv4 or IPv6 literal. */
    static InetAddress parse(String text) {
        byte[] bytes = text.indexOf(':') >= 0 ? ipv6(text) : ipv4(text);
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    private static byte[] ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return null;
            }
            bytes[i] = (byte) value;
        }
        return bytes;
    }

    private static byte[] ipv6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        int[] head = groups(gap < 0 ? text : text.substring(0, gap), gap < 0);
        int[] tail = gap < 0 ? new int[0] : groups(text.substring(gap + 2), true);
        if (head == null || tail == null || (gap < 0 ? head.length != 8 : head.length + tail.length > 7)) {
            return null;
        }
        byte[] bytes = new byte[16];
        for (int g = 0; g < head.length; g++) {
            bytes[2 * g] = (byte) (head[g] >> 8);
            bytes[2 * g + 1] = (byte) head[g];
        }
        for (int g = 0, at = 8 - tail.length; g < tail.length; g++, at++) {
            bytes[2 * at] = (byte) (tail[g] >> 8);
            bytes[2 * at + 1] = (byte) tail[g];
        }
        return bytes;
    }

    /**
     * The 16-bit groups of {@code section}, a run of hexadecimal groups separated by single colons; a dotted quad
     * may end it when {@code last}, counting as two groups. Empty for an empty section; {@code null} when invalid.
     */
    private static int[] groups(String section, boolean last) {
        if (section.isEmpty()) {
            return new int[0];
        }
        String[] parts = section.split(":", -1);
        int[] groups = new int[parts.length + 1];
        int count = 0;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (last && i == parts.length - 1 && part.indexOf('.') >= 0) {
                byte[] v4 = ipv4(part);
                if (v4 == null) {
                    return null;
                }
                groups[count++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                groups[count++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
            } else if (part.isEmpty() || part.length() > 4 || !part.chars().allMatch(IpLiterals::isHex)) {
                return null;
            } else {
                groups[count++] = Integer.parseInt(part, 16);
            }
        }
        return java.util.Arrays.copyOf(groups, count);
    }

    private static boolean isHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
