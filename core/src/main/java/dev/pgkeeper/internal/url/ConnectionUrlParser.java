package dev.pgkeeper.internal.url;

import dev.pgkeeper.internal.url.ConnectionUrl.Form;
import dev.pgkeeper.internal.url.ConnectionUrl.HostPort;
import dev.pgkeeper.internal.url.ConnectionUrl.ParseResult;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a database URL into a {@link ConnectionUrl}: {@code scheme://[user[:password]@]hostlist[/database][?query]}.
 *
 * <p>A problem with the URL's overall shape (no supported scheme, whitespace, a {@code '#'}, an
 * {@code '@'} after the hosts) stops the reading: every part after it would be misread, and a misread
 * part may be a piece of the password that an error message would then repeat. Problems within a part
 * (a bad port, an unknown {@code sslmode}) are all collected, so that one round of fixes is enough.
 *
 * <p>Not thread-safe: each call to {@link #parse} uses its own instance.
 */
final class ConnectionUrlParser {

    private static final String EXAMPLE = "postgresql://user@localhost:5432/mydb";

    private static final List<Scheme> SCHEMES = List.of(
            new Scheme("postgresql://", Form.LIBPQ), new Scheme("postgres://", Form.LIBPQ),
            new Scheme("jdbc:postgresql://", Form.JDBC));

    /** libpq parameters that would put the host outside the URL's authority, where pgkeeper reads it. */
    private static final Set<String> HOST_PARAMETERS = Set.of("host", "hostaddr", "port");

    /** A scheme name that is safe to repeat in a message: it cannot be a piece of a password. */
    private static final Pattern SCHEME_NAME = Pattern.compile("(?i)(jdbc:)?[a-z][a-z0-9+.-]*");

    private static final Pattern KEYWORD_VALUE_START = Pattern.compile("[A-Za-z_]+\\s*=");

    private final Problems problems = new Problems();
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private final Set<String> parameterNames = new HashSet<>();
    private final Set<String> repeatedParameterNames = new HashSet<>();
    private Form form;
    private List<HostPort> hosts = List.of();
    private String database;
    private String user;
    private String password;

    private record Scheme(String prefix, Form form) {
    }

    private ConnectionUrlParser() {
    }

    /** Reads {@code text}; see {@link ConnectionUrl#parse(String)}. Never throws. */
    static ParseResult parse(String text) {
        ConnectionUrlParser parser = new ConnectionUrlParser();
        parser.read(text);
        ConnectionUrl url = parser.problems.hasErrors() ? null : new ConnectionUrl(
                parser.form, parser.hosts, parser.database, parser.user, parser.password, parser.parameters);
        return new ParseResult(url, parser.problems.errors(), parser.problems.warnings());
    }

    private void read(String text) {
        if (rejectMissing(text) || rejectInvisibleEnds(text)) {
            return;
        }
        Optional<Scheme> scheme = SCHEMES.stream()
                .filter(candidate -> startsWithIgnoringCase(text, candidate.prefix()))
                .findFirst();
        if (scheme.isEmpty()) {
            reportUnsupportedScheme(text);
            return;
        }
        form = scheme.get().form();
        int afterScheme = scheme.get().prefix().length();
        if (rejectInvisibleCharacter(text) || rejectFragment(text, afterScheme)) {
            return;
        }
        readParts(text.substring(afterScheme));
    }

    private boolean rejectMissing(String text) {
        if (text == null || text.isBlank()) {
            problems.error("The database URL is " + (text == null ? "missing" : "empty") + "; set it to a URL "
                    + "such as " + EXAMPLE + ".");
            return true;
        }
        return false;
    }

    private boolean rejectInvisibleEnds(String text) {
        boolean invisibleEnd = MessageText.isInvisible(text.codePointAt(0))
                || MessageText.isInvisible(text.codePointBefore(text.length()));
        if (invisibleEnd) {
            problems.error("The database URL starts or ends with whitespace or an invisible character (often a "
                    + "line break copied from a file); remove it.");
        }
        return invisibleEnd;
    }

    private void reportUnsupportedScheme(String text) {
        if (startsWithIgnoringCase(text, "jdbc:postgresql:") || startsWithIgnoringCase(text, "postgresql:")
                || startsWithIgnoringCase(text, "postgres:")) {
            problems.error("The database URL has no host (forms such as jdbc:postgresql:mydb and Unix-domain "
                    + "sockets are not supported); add a host, e.g. " + EXAMPLE + ".");
        } else if (text.startsWith("/")) {
            problems.error("The database URL is a file path, but Unix-domain sockets are not supported; use a "
                    + "host and port instead, e.g. " + EXAMPLE + ".");
        } else if (KEYWORD_VALUE_START.matcher(text).lookingAt()) {
            problems.error("The database URL looks like a libpq keyword/value string (host=... dbname=...), "
                    + "which is not supported; write it as a URL, e.g. " + EXAMPLE + ".");
        } else {
            int separator = text.indexOf("://");
            String scheme = separator > 0 ? text.substring(0, separator) : "";
            problems.error(SCHEME_NAME.matcher(scheme).matches()
                    ? "The scheme " + MessageText.quote(scheme + "://") + " is not supported; only postgresql://, "
                            + "postgres:// and jdbc:postgresql:// are, e.g. " + EXAMPLE + "."
                    : "The database URL does not start with postgresql://, postgres:// or jdbc:postgresql://; "
                            + "write it like " + EXAMPLE + ".");
        }
    }

    private boolean rejectInvisibleCharacter(String text) {
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            int codePoint = text.codePointAt(i);
            if (MessageText.isInvisible(codePoint)) {
                problems.error("The database URL contains " + MessageText.describe(codePoint) + " at character "
                        + characterNumber(text, i) + "; remove it, or percent-encode it if it belongs to a "
                        + "value (a space is %20).");
                return true;
            }
        }
        return false;
    }

    private boolean rejectFragment(String text, int afterScheme) {
        int hash = text.indexOf('#', afterScheme);
        if (hash >= 0) {
            problems.error("The database URL contains '#' at character " + characterNumber(text, hash) + ", which "
                    + "would start a fragment; write a '#' that belongs to the password, the database name or a "
                    + "parameter value as %23, and remove anything else from the '#' on.");
        }
        return hash >= 0;
    }

    /** Reads everything after {@code scheme://}. */
    private void readParts(String rest) {
        int authorityEnd = indexOfFirst(rest, '/', '?');
        if (rest.indexOf('@', authorityEnd) >= 0) {
            problems.error("The database URL contains an '@' after the host list. If the '@' ends the password, "
                    + "the password also contains '/' or '?', which must be written as %2F and %3F; if it "
                    + "belongs to the database name or a parameter value, write it as %40.");
            return;
        }
        String authority = rest.substring(0, authorityEnd);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            readUserInfo(authority.substring(0, at));
        }
        hosts = HostListParser.parse(authority.substring(at + 1), problems);
        int queryStart = indexOfFirst(rest, '?');
        if (authorityEnd < queryStart) {
            readDatabase(rest.substring(authorityEnd + 1, queryStart));
        }
        if (queryStart < rest.length()) {
            readQuery(rest.substring(queryStart + 1));
        }
        // While the URL is unusable anyway, which database the server would pick does not matter yet.
        if (database == null && !problems.hasErrors()) {
            problems.warning("The database URL names no database, so the server will use the user name as the "
                    + "database name; add one after the hosts, e.g. " + EXAMPLE + ".");
        }
    }

    private void readUserInfo(String userInfo) {
        if (userInfo.indexOf('@') >= 0) {
            problems.error("The user name or password contains an '@'; write it as %40.");
        }
        int colon = userInfo.indexOf(':');
        user = emptyToNull(decoded(colon < 0 ? userInfo : userInfo.substring(0, colon), "The user name"));
        if (colon >= 0) {
            password = emptyToNull(decoded(userInfo.substring(colon + 1), "The password"));
        }
    }

    private void readDatabase(String encodedName) {
        if (encodedName.indexOf('/') >= 0) {
            problems.error("The database name contains '/'; write a '/' that belongs to the name as %2F.");
            return;
        }
        database = emptyToNull(decoded(encodedName, "The database name"));
    }

    private void readQuery(String query) {
        String[] pairs = query.split("&", -1);
        for (int i = 0; i < pairs.length; i++) {
            // "&&" and a trailing '&' carry no parameter; libpq rejects them, but skipping them is harmless.
            if (!pairs[i].isEmpty()) {
                readParameter(pairs[i], i + 1);
            }
        }
    }

    private void readParameter(String pair, int number) {
        int equals = pair.indexOf('=');
        if (equals <= 0) {
            // The text is not repeated: a malformed pair may be a piece of a password.
            problems.error("Parameter " + number + " of the query string " + (equals < 0 ? "has no '='" : "has no name")
                    + "; write it as name=value.");
            return;
        }
        String name = decoded(pair.substring(0, equals), "The name of parameter " + number);
        String value = name == null ? null : decoded(pair.substring(equals + 1),
                "The value of parameter " + MessageText.quote(name));
        if (value == null) {
            return;
        }
        if (!parameterNames.add(name)) {
            if (repeatedParameterNames.add(name)) {
                problems.error("Parameter " + MessageText.quote(name) + " appears more than once; keep only one.");
            }
            return;
        }
        useParameter(name, value);
    }

    private void useParameter(String name, String value) {
        if (name.equals("user")) {
            user = emptyToNull(value);
        } else if (name.equals("password")) {
            password = emptyToNull(value);
        } else if (form == Form.LIBPQ && name.equals("dbname")) {
            database = emptyToNull(value);
        } else if (form == Form.LIBPQ && HOST_PARAMETERS.contains(name)) {
            problems.error("Parameter " + name + " is not supported; put the host and port in the URL itself, "
                    + "e.g. postgresql://user@db.example.com:5432/mydb, or db1:5432,db2:5432 for several hosts.");
        } else {
            ConnectionParameters.invalidValue(form, name, value).ifPresent(problems::error);
            ConnectionParameters.ignored(form, name).ifPresent(problems::warning);
            parameters.put(name, value);
        }
    }

    /** Decodes a user name, password, database name or parameter; {@code null} after reporting bad encoding. */
    private String decoded(String encoded, String subject) {
        String decoded = PercentEncoding.decode(encoded, subject, problems);
        if (decoded != null && decoded.indexOf('\0') >= 0) {
            problems.error(subject + " contains a NUL character (%00), which PostgreSQL does not accept; remove it.");
            return null;
        }
        return decoded;
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    /** The index of the first of the given characters in {@code text}, or its length when there is none. */
    private static int indexOfFirst(String text, char... characters) {
        int first = text.length();
        for (char c : characters) {
            int index = text.indexOf(c);
            if (index >= 0 && index < first) {
                first = index;
            }
        }
        return first;
    }

    private static boolean startsWithIgnoringCase(String text, String prefix) {
        return text.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    /** The 1-based position of the character at {@code index}, counting a surrogate pair as one character. */
    private static int characterNumber(String text, int index) {
        return text.codePointCount(0, index) + 1;
    }
}
