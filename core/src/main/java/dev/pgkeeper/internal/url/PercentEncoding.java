package dev.pgkeeper.internal.url;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding of URL components (RFC 3986) over UTF-8. Unlike HTML form encoding, {@code '+'}
 * stands for itself and not for a space: libpq reads URLs this way, so pgkeeper does too.
 *
 * <p>Stateless and thread-safe.
 */
final class PercentEncoding {

    private PercentEncoding() {
    }

    /**
     * Decodes the {@code %XX} escapes in one URL component; every other character stands for itself.
     * On malformed input, reports an error about {@code subject} to {@code problems} and returns
     * {@code null}. The error never repeats the component, which may be a password.
     *
     * @param encoded  the component as written in the URL
     * @param subject  what the component is, to start the error message, e.g. {@code "The password"}
     * @param problems where a malformed escape or invalid UTF-8 is reported
     * @return the decoded text, or {@code null} when it could not be decoded
     */
    static String decode(String encoded, String subject, Problems problems) {
        try {
            return decode(encoded);
        } catch (IllegalArgumentException e) {
            problems.error(subject + " " + e.getMessage());
            return null;
        }
    }

    /**
     * Encodes everything except the RFC 3986 unreserved characters ({@code A-Z a-z 0-9 - . _ ~}) as
     * {@code %XX} escapes of its UTF-8 bytes. The result survives both {@link #decode} and
     * {@link java.net.URLDecoder} (which pgjdbc uses) unchanged, because it contains no {@code '+'}.
     *
     * @param text well-formed UTF-16 text
     * @return the encoded text
     */
    static String encode(String text) {
        StringBuilder encoded = new StringBuilder(text.length());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if (isUnreserved(c)) {
                encoded.append(c);
            } else {
                encoded.append('%').append(hexDigit(c >> 4)).append(hexDigit(c & 0xF));
            }
        }
        return encoded.toString();
    }

    /**
     * Decodes with the same rules as {@link #decode(String, String, Problems)}.
     *
     * @throws IllegalArgumentException with the end of a sentence that says what is wrong and how to fix it
     */
    private static String decode(String encoded) {
        if (encoded.indexOf('%') < 0) {
            return encoded;
        }
        StringBuilder decoded = new StringBuilder(encoded.length());
        int i = 0;
        while (i < encoded.length()) {
            if (encoded.charAt(i) != '%') {
                decoded.append(encoded.charAt(i++));
                continue;
            }
            // A multi-byte UTF-8 character is written as consecutive escapes, so decode them as one run.
            ByteArrayOutputStream run = new ByteArrayOutputStream();
            while (i < encoded.length() && encoded.charAt(i) == '%') {
                run.write(escapedByte(encoded, i));
                i += 3;
            }
            decoded.append(utf8(run.toByteArray()));
        }
        return decoded.toString();
    }

    private static int escapedByte(String encoded, int percentIndex) {
        int high = percentIndex + 1 < encoded.length() ? hexValue(encoded.charAt(percentIndex + 1)) : -1;
        int low = percentIndex + 2 < encoded.length() ? hexValue(encoded.charAt(percentIndex + 2)) : -1;
        if (high < 0 || low < 0) {
            throw new IllegalArgumentException("has an invalid percent-escape: a '%' must be followed by two "
                    + "hexadecimal digits; write a literal '%' as %25.");
        }
        return high << 4 | low;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("has percent-escapes that are not valid UTF-8; percent-encode "
                    + "the UTF-8 bytes of each character (for example é as %C3%A9).", e);
        }
    }

    /** The value of an ASCII hexadecimal digit, or -1; unlike {@link Character#digit}, rejects non-ASCII digits. */
    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static char hexDigit(int value) {
        return "0123456789ABCDEF".charAt(value);
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
