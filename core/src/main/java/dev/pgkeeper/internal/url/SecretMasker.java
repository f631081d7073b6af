package dev.pgkeeper.internal.url;

import java.util.regex.Pattern;

/**
 * Masks passwords in free text before pgkeeper copies it into a message, a troubleshooting step or a
 * context value. It recognises the two shapes in which a PostgreSQL password reaches a message:
 * <ul>
 *   <li>a key/value setting whose key ends in {@code password}, such as {@code password=secret},
 *       {@code sslpassword='my secret'}, {@code PGPASSWORD: secret};</li>
 *   <li>the userinfo of a URL, such as {@code postgresql://user:secret@host/db} (also inside
 *       {@code jdbc:postgresql://...}).</li>
 * </ul>
 * The secret becomes {@value #MASK}; everything else is left as it is.
 *
 * <p>This is a last line of defence for text pgkeeper did not write (driver and server messages);
 * URLs pgkeeper builds itself are sanitized where they are parsed. Stateless and thread-safe.
 */
public final class SecretMasker {

    /** What a masked secret is replaced with. */
    public static final String MASK = "****";

    /**
     * {@code <key ending in password>} {@code =} or {@code :} then a single- or double-quoted value (libpq
     * keyword/value syntax) or a bare value up to the next separator.
     */
    private static final Pattern KEY_VALUE_SECRET = Pattern.compile(
            "(?i)(\\w*password\\s*[=:]\\s*)('(?:[^'\\\\]|\\\\.)*'|\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s&;,'\")\\]}]+)");

    /**
     * {@code scheme://user:secret@}. The secret runs to the last {@code @} of the authority, so that an
     * unencoded {@code @} inside a password is masked too rather than leaking its tail.
     */
    private static final Pattern URL_USERINFO_SECRET = Pattern.compile(
            "(?i)([a-z][a-z0-9+.\\-]*://[^:/?#@\\s]*:)[^/?#\\s]*@");

    private SecretMasker() {
    }

    /**
     * Returns {@code text} with every recognised password replaced by {@value #MASK}.
     *
     * @param text any text, possibly {@code null}
     * @return the masked text, or {@code null} when {@code text} is {@code null}
     */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String masked = URL_USERINFO_SECRET.matcher(text).replaceAll("$1" + MASK + "@");
        return KEY_VALUE_SECRET.matcher(masked).replaceAll("$1" + MASK);
    }
}
