package dev.pgkeeper.internal.url;

/**
 * Masks the passwords in text that is meant to be a database URL, whatever shape the text is in: a
 * valid or broken URL in libpq or JDBC form, a URL without a scheme, or a libpq keyword/value string
 * such as {@code host=db password='s3cret'}. It works on the text rather than on a parse, so that it
 * can mask what no parser accepts. Two rules, applied in this order:
 *
 * <ol>
 *   <li>The value of every {@code name=value} whose name looks secret (contains "password" or "secret"
 *       in any case, also when percent-encoded) becomes {@value ConnectionUrl#MASK}. The value ends at
 *       the next {@code '&'}, at the end of the text, or, in text without {@code "://"}, at whitespace
 *       before the next {@code name=}; quoted parts ({@code '...'}, {@code "..."}) do not end it. A
 *       {@code '#'} does not end it either: there it is more likely part of the password than a fragment.</li>
 *   <li>The password in the user info, from the first {@code ':'} after {@code "://"} (or after the start
 *       of the text) to the <em>last</em> {@code '@'}, becomes {@value ConnectionUrl#MASK}. Taking the last
 *       {@code '@'} also covers a password with an unencoded {@code '@'}, {@code '/'}, {@code '?'} or {@code '#'}.</li>
 * </ol>
 *
 * <p>A URL that {@link ConnectionUrl#parse} accepts has no {@code '@'} besides the one that ends the user
 * info, so for it the rules mask exactly the password and the secret parameters and keep everything else
 * as written. For other text they err towards masking too much. Sanitizing a result again changes nothing.
 *
 * <p>Stateless and thread-safe.
 */
public final class UrlSanitizer {

    private static final String MASK = ConnectionUrl.MASK;

    private UrlSanitizer() {
    }

    /**
     * Masks every password in {@code text} with {@value ConnectionUrl#MASK}. Never throws.
     *
     * @param text any text, typically a database URL; may be {@code null}
     * @return the text with passwords masked, or {@code ""} for {@code null}
     */
    public static String sanitize(String text) {
        if (text == null) {
            return "";
        }
        return maskUserInfoPassword(maskSecretValues(text));
    }

    private static String maskSecretValues(String text) {
        boolean keywordValueForm = !text.contains("://");
        StringBuilder masked = new StringBuilder(text.length());
        int copied = 0;
        for (int equals = text.indexOf('='); equals >= 0; equals = text.indexOf('=', Math.max(equals + 1, copied))) {
            if (!ConnectionParameters.isSecret(nameBefore(text, equals, copied))) {
                continue;
            }
            int valueStart = skipWhitespace(text, equals + 1);
            int valueEnd = valueEnd(text, valueStart, keywordValueForm);
            if (valueEnd > valueStart) {
                masked.append(text, copied, valueStart).append(MASK);
                copied = valueEnd;
            }
        }
        return masked.append(text, copied, text.length()).toString();
    }

    private static String maskUserInfoPassword(String text) {
        int at = text.lastIndexOf('@');
        if (at < 0) {
            return text;
        }
        int schemeSeparator = text.indexOf("://");
        int userInfoStart = schemeSeparator >= 0 && schemeSeparator < at ? schemeSeparator + 3 : 0;
        int colon = text.indexOf(':', userInfoStart);
        if (colon < 0 || colon + 1 >= at) {
            // No password before the '@', or an empty one: nothing to hide.
            return text;
        }
        return text.substring(0, colon + 1) + MASK + text.substring(at);
    }

    /**
     * The name assigned to by the {@code '='} at {@code equals}, percent-decoded: the run of name
     * characters before it (whitespace in between is allowed), not reaching back before {@code floor}.
     */
    private static String nameBefore(String text, int equals, int floor) {
        int end = equals;
        while (end > floor && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        int start = end;
        while (start > floor && isNameCharacter(text.charAt(start - 1))) {
            start--;
        }
        return decodeAsciiEscapes(text.substring(start, end));
    }

    /** Where a value that starts at {@code start} ends; see the class description. */
    private static int valueEnd(String text, int start, boolean keywordValueForm) {
        char quote = 0;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '&') {
                return i;
            } else if (keywordValueForm && Character.isWhitespace(c)) {
                int afterSpace = skipWhitespace(text, i);
                if (startsAssignment(text, afterSpace)) {
                    return i;
                }
                i = afterSpace - 1;
            }
        }
        return text.length();
    }

    /** {@code true} when {@code name =} (whitespace optional) starts at {@code index}. */
    private static boolean startsAssignment(String text, int index) {
        int nameEnd = index;
        while (nameEnd < text.length() && isNameCharacter(text.charAt(nameEnd))) {
            nameEnd++;
        }
        int afterSpace = skipWhitespace(text, nameEnd);
        return nameEnd > index && afterSpace < text.length() && text.charAt(afterSpace) == '=';
    }

    private static int skipWhitespace(String text, int index) {
        int i = index;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Name characters of URL parameters and libpq keywords, plus '%' so that encoded names are seen whole. */
    private static boolean isNameCharacter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '.' || c == '-' || c == '%';
    }

    /**
     * Decodes {@code %XX} escapes byte by byte and leaves malformed ones as they are. Enough to see
     * that {@code pass%77ord} is "password", which is all this class needs; never fails.
     */
    private static String decodeAsciiEscapes(String name) {
        if (name.indexOf('%') < 0) {
            return name;
        }
        StringBuilder decoded = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            int high = i + 2 < name.length() ? Character.digit(name.charAt(i + 1), 16) : -1;
            int low = i + 2 < name.length() ? Character.digit(name.charAt(i + 2), 16) : -1;
            if (name.charAt(i) == '%' && high >= 0 && low >= 0) {
                decoded.append((char) (high << 4 | low));
                i += 2;
            } else {
                decoded.append(name.charAt(i));
            }
        }
        return decoded.toString();
    }
}
