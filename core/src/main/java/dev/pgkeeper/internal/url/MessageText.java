package dev.pgkeeper.internal.url;

import java.util.Locale;

/**
 * Helpers for putting text taken from a URL into an error message safely: invisible characters are
 * shown as code points, so a message cannot carry a line break or a terminal escape into a log, and
 * very long text is shortened.
 *
 * <p>Stateless and thread-safe.
 */
final class MessageText {

    /** How many characters of URL text a message repeats at most. */
    private static final int MAX_QUOTED_CODE_POINTS = 80;

    private MessageText() {
    }

    /**
     * Quotes text for a message: {@code db one} becomes {@code 'db one'}, a line feed becomes
     * {@code U+000A}, and text longer than 80 characters is cut and ends in {@code …}. Never pass a
     * password here.
     */
    static String quote(String text) {
        StringBuilder quoted = new StringBuilder("'");
        text.codePoints().limit(MAX_QUOTED_CODE_POINTS).forEach(cp -> appendVisibly(quoted, cp));
        if (text.codePointCount(0, text.length()) > MAX_QUOTED_CODE_POINTS) {
            quoted.append('…');
        }
        return quoted.append('\'').toString();
    }

    /** Names one character for a message: {@code '/'} for a visible one, {@code U+0020} for the rest. */
    static String describe(int codePoint) {
        return isInvisible(codePoint) || codePoint == ' '
                ? unicodeName(codePoint)
                : "'" + new String(Character.toChars(codePoint)) + "'";
    }

    /**
     * {@code true} for characters that cannot be seen or are not valid text: whitespace, control and
     * format characters (such as a byte-order mark) and unpaired surrogates.
     */
    static boolean isInvisible(int codePoint) {
        int type = Character.getType(codePoint);
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint)
                || Character.isISOControl(codePoint) || type == Character.FORMAT || type == Character.SURROGATE;
    }

    private static String unicodeName(int codePoint) {
        return String.format(Locale.ROOT, "U+%04X", codePoint);
    }

    private static void appendVisibly(StringBuilder out, int codePoint) {
        if (isInvisible(codePoint) && codePoint != ' ') {
            out.append(unicodeName(codePoint));
        } else {
            out.appendCodePoint(codePoint);
        }
    }
}
