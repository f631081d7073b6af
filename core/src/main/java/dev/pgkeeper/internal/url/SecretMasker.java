package dev.pgkeeper.internal.url;

import java.util.Locale;

/**
 * The one place where pgkeeper masks passwords in text: a database URL in any shape (valid or broken,
 * libpq or JDBC form, with or without a scheme), a libpq keyword/value string such as
 * {@code host=db password='s3cret'}, a configuration value, or a message from the driver or the server.
 * It works on the text rather than on a parse, so that it can mask what no parser accepts. Two rules,
 * applied in this order:
 *
 * <ol>
 *   <li><b>Secret settings.</b> The value of every setting whose name {@linkplain #isSecretName looks
 *       secret} (contains "password" or "secret" in any letter case, also when percent-encoded, as in
 *       {@code pass%77ord}), written {@code name=value} or, when the name ends in "password" or "secret",
 *       {@code name: value} (as in {@code PGPASSWORD: s3cret}). The value ends at the next {@code '&'}
 *       outside quotes or at the end of the text, and, in a text without {@code "://"}, also at whitespace
 *       followed by the next {@code name=}. Quoted parts ({@code '...'}, {@code "..."}) do not end it, nor
 *       does {@code '#'}, which there is more likely part of the password than a fragment.</li>
 *   <li><b>User info.</b> From the first {@code "://"} on, the password runs from the first {@code ':'}
 *       after the {@code "://"} to the <em>last</em> {@code '@'} of the text; taking the last {@code '@'}
 *       also covers a password with an unencoded {@code '@'}, {@code '/'}, {@code '?'}, {@code '#'} or
 *       whitespace. Before the first {@code "://"} (all of a text without one), each whitespace-free word
 *       shaped like {@code user:password@host} is masked the same way, from its first {@code ':'} to its
 *       last {@code '@'}: there whitespace ends the URL, so that a message such as
 *       {@code FATAL: role "app@corp" ...} is not taken for one.</li>
 * </ol>
 *
 * <p>Each secret becomes {@value #MASK}; an empty password stays empty; everything else is kept as written.
 * A URL that {@link ConnectionUrl#parse} accepts has no {@code '@'} besides the one that ends the user info,
 * so for it exactly the password and the secret parameters are masked. For other text the rules err
 * towards masking too much. Masking a result again changes nothing.
 *
 * <p>Stateless and thread-safe.
 */
public final class SecretMasker {

    /** What a masked secret is replaced with, wherever pgkeeper shows a URL or a message. */
    public static final String MASK = "****";

    private static final String SCHEME_SEPARATOR = "://";

    private SecretMasker() {
    }

    /**
     * Returns {@code text} with every password the rules in the class description find replaced by
     * {@value #MASK}. Never throws.
     *
     * @param text any text, possibly {@code null}
     * @return the masked text, or {@code null} when {@code text} is {@code null}
     */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        // Settings first: a password=... parameter whose value holds an unencoded '@' must not lend that '@'
        // to the user-info rule, which would then mask from the port on and leave the rest of the value.
        return maskUserInfo(maskSecretSettings(text));
    }

    /**
     * {@code true} for names of settings and URL parameters whose values must never be shown: any name
     * containing "password" or "secret" in any letter case, such as {@code sslpassword}, {@code PASSWORD}
     * or {@code oauth_client_secret}. The name is taken as given (already percent-decoded).
     */
    public static boolean isSecretName(String name) {
        String lowerCase = name.toLowerCase(Locale.ROOT);
        return lowerCase.contains("password") || lowerCase.contains("secret");
    }

    // --- Rule 2: user info --------------------------------------------------------------------------

    private static String maskUserInfo(String text) {
        int scheme = text.indexOf(SCHEME_SEPARATOR);
        int lastAt = text.lastIndexOf('@');
        if (lastAt < 0) {
            return text;
        }
        if (scheme < 0 || scheme > lastAt) {
            return maskUserInfoPerWord(text);
        }
        String head = maskUserInfoPerWord(text.substring(0, scheme));
        int userInfoStart = scheme + SCHEME_SEPARATOR.length();
        int colon = text.indexOf(':', userInfoStart);
        if (colon < 0 || colon + 1 >= lastAt) {
            // No password before the last '@', or an empty one: nothing to hide.
            return head + text.substring(scheme);
        }
        return head + text.substring(scheme, colon + 1) + MASK + text.substring(lastAt);
    }

    /** Masks {@code user:password@host} inside each whitespace-free word of {@code text}. */
    private static String maskUserInfoPerWord(String text) {
        if (text.indexOf('@') < 0) {
            return text;
        }
        StringBuilder masked = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            if (Character.isWhitespace(text.charAt(i))) {
                masked.append(text.charAt(i++));
                continue;
            }
            int end = i;
            while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
                end++;
            }
            String word = text.substring(i, end);
            int colon = word.indexOf(':');
            int at = word.lastIndexOf('@');
            if (colon >= 0 && colon + 1 < at) {
                masked.append(word, 0, colon + 1).append(MASK).append(word, at, word.length());
            } else {
                masked.append(word);
            }
            i = end;
        }
        return masked.toString();
    }

    // --- Rule 1: secret settings --------------------------------------------------------------------

    private static String maskSecretSettings(String text) {
        boolean keywordValueForm = !text.contains(SCHEME_SEPARATOR);
        StringBuilder masked = new StringBuilder(text.length());
        int copied = 0;
        for (int separator = nextSeparator(text, 0); separator >= 0;
             separator = nextSeparator(text, Math.max(separator + 1, copied))) {
            if (!isSecretAssignment(text, separator, copied)) {
                continue;
            }
            int valueStart = skipWhitespace(text, separator + 1);
            int valueEnd = valueEnd(text, valueStart, keywordValueForm);
            if (valueEnd > valueStart) {
                masked.append(text, copied, valueStart).append(MASK);
                copied = valueEnd;
            }
        }
        return masked.append(text, copied, text.length()).toString();
    }

    /** The index of the next {@code '='} or {@code ':'} at or after {@code from}, or -1. */
    private static int nextSeparator(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '=' || c == ':') {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether the separator at {@code index} assigns a secret: {@code '='} after a secret name, or
     * {@code ':'} after a name that ends in "password" or "secret" and not as part of {@code "://"}.
     */
    private static boolean isSecretAssignment(String text, int index, int floor) {
        String name = nameBefore(text, index, floor);
        if (!isSecretName(name)) {
            return false;
        }
        if (text.charAt(index) == '=') {
            return true;
        }
        String lowerCase = name.toLowerCase(Locale.ROOT);
        return (lowerCase.endsWith("password") || lowerCase.endsWith("secret"))
                && !text.startsWith(SCHEME_SEPARATOR, index);
    }

    /**
     * The name assigned to by the separator at {@code index}, percent-decoded: the run of name characters
     * before it (whitespace in between is allowed), not reaching back before {@code floor}.
     */
    private static String nameBefore(String text, int index, int floor) {
        int end = index;
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
     * Decodes {@code %XX} escapes byte by byte and leaves malformed ones as they are. Enough to see that
     * {@code pass%77ord} is "password", which is all a name check needs; never fails.
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
