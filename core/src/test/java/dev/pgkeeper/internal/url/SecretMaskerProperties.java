package dev.pgkeeper.internal.url;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A generated password never survives {@link SecretMasker#mask}, in every URL form pgkeeper accepts: the
 * libpq URI ({@code postgresql://}, {@code postgres://}, in any letter case) and the JDBC URL
 * ({@code jdbc:postgresql://}), with the password in the user info or in a {@code password},
 * {@code PASSWORD}, {@code sslpassword} or percent-encoded {@code pass%77ord} parameter, the password
 * fully percent-encoded or with only the characters encoded that must be; and, beyond URLs, the quoted
 * libpq keyword/value form.
 *
 * <p>Three properties, 2,000 tries in all: on a URL alone exactly the password is masked (1,000 tries);
 * inside a message the password does not survive (500); nor does it when written unencoded, which makes a
 * URL the parser rejects but a user may still paste (500).
 */
class SecretMaskerProperties {

    /** Password characters: letters, digits, everything with a meaning in URLs, quotes, non-ASCII; no '*'. */
    private static final String PASSWORD_SPECIALS = "@:/?#%&=+ '\"\\,;[]!$()~^`{}|<>éß€中\t";

    /** What a careful user leaves unencoded in a password: characters without a meaning where it stands. */
    private static final String SAFE_UNENCODED = ":;,!$()~^`{}|<>[]=éß€中";

    @Property(tries = 1000)
    void onAUrlExactlyThePasswordIsMasked(@ForAll("acceptedForms") Written written) {
        if (written.place() != Place.KEYWORD_VALUE) {
            ConnectionUrl.ParseResult parsed = ConnectionUrl.parse(written.text());
            assertThat(parsed.errors()).as("the generator wrote a URL pgkeeper accepts: %s", written.text()).isEmpty();
            if (written.place().setsThePassword()) {
                assertThat(parsed.url().password()).isEqualTo(written.password());
            }
        }

        String masked = SecretMasker.mask(written.text());

        assertThat(masked).isEqualTo(written.before() + SecretMasker.MASK + written.after());
        assertThat(SecretMasker.mask(masked)).isEqualTo(masked);
    }

    @Property(tries = 500)
    void inAMessageThePasswordDoesNotSurvive(@ForAll("acceptedForms") Written written,
                                             @ForAll("messageTemplates") String template) {
        String message = template.replace("{url}", written.text());
        String surroundings = template.replace("{url}", written.before() + written.after());
        assumeNotWrittenElsewhere(written, surroundings);

        assertHidden(SecretMasker.mask(message), written);
    }

    @Property(tries = 500)
    void unencodedThePasswordDoesNotSurviveEither(@ForAll("unencodedForms") Written written) {
        assumeNotWrittenElsewhere(written, written.before() + written.after());

        assertHidden(SecretMasker.mask(written.text()), written);
    }

    private static void assertHidden(String masked, Written written) {
        assertThat(masked).as("masked %s", written.text())
                .doesNotContain(written.password())
                .doesNotContain(written.value());
    }

    /** A password may by chance also be written around the URL (in a host name, say); such cases prove nothing. */
    private static void assumeNotWrittenElsewhere(Written written, String surroundings) {
        Assume.that(!surroundings.contains(written.password()) && !surroundings.contains(written.value()));
    }

    // --- Generators ------------------------------------------------------------------------------

    /**
     * Text holding one password.
     *
     * @param place    where the password is
     * @param before   the text before the password's value
     * @param value    the password as written (encoded, quoted or not)
     * @param after    the text after it
     * @param password the password itself
     */
    record Written(Place place, String before, String value, String after, String password) {

        String text() {
            return before + value + after;
        }
    }

    /** Where the password is written. */
    enum Place {
        USER_INFO(null), PASSWORD_PARAMETER("password"), UPPER_CASE_PARAMETER("PASSWORD"),
        SSLPASSWORD_PARAMETER("sslpassword"), ENCODED_NAME_PARAMETER("pass%77ord"), KEYWORD_VALUE(null);

        private final String parameterName;

        Place(String parameterName) {
            this.parameterName = parameterName;
        }

        /** Whether the parser takes this as the login password (the others are parameters). */
        boolean setsThePassword() {
            return this == USER_INFO || this == PASSWORD_PARAMETER || this == ENCODED_NAME_PARAMETER;
        }
    }

    /** How the password's characters are written in a URL. */
    enum Encoding { ALL_PERCENT_ENCODED, ONLY_WHERE_NEEDED, NONE }

    @Provide
    Arbitrary<Written> acceptedForms() {
        return written(Arbitraries.of(Encoding.ALL_PERCENT_ENCODED, Encoding.ONLY_WHERE_NEEDED), passwords());
    }

    @Provide
    Arbitrary<Written> unencodedForms() {
        // In a query string an unencoded '&' starts the next parameter, whatever comes before it.
        Arbitrary<String> passwords = passwords().filter(password -> password.indexOf('&') < 0);
        return written(Arbitraries.just(Encoding.NONE), passwords)
                .filter(written -> written.place() != Place.KEYWORD_VALUE);
    }

    @Provide
    Arbitrary<String> messageTemplates() {
        return Arbitraries.of(
                "{url}",
                "could not connect to {url}: Connection refused",
                "DATABASE_URL={url}",
                "see https://example.com/help for {url}",
                "Caused by: java.lang.IllegalArgumentException: bad URL '{url}'\n\tat Main.main(Main.java:7)",
                "ERROR: connection to \"{url}\" failed; retrying as app@corp");
    }

    private Arbitrary<Written> written(Arbitrary<Encoding> encodings, Arbitrary<String> passwords) {
        return Combinators.combine(Arbitraries.of(Place.class), encodings, schemes(), users(), hostLists(),
                        databases(), parameters(), passwords)
                .as(SecretMaskerProperties::write);
    }

    private static Written write(Place place, Encoding encoding, String scheme, String user, String hosts,
                                 String database, List<String> parameters, String password) {
        if (place == Place.KEYWORD_VALUE) {
            String quoted = "'" + password.replace("\\", "\\\\").replace("'", "\\'") + "'";
            return new Written(place, "host=" + hosts.split(",")[0] + " user=app password=", quoted,
                    " dbname=orders sslmode=require", password);
        }
        String value = switch (encoding) {
            case ALL_PERCENT_ENCODED -> encode(password, "");
            case ONLY_WHERE_NEEDED -> encode(password, SAFE_UNENCODED);
            case NONE -> password;
        };
        String path = database == null ? "" : "/" + encode(database, "");
        String query = String.join("&", parameters);
        if (place == Place.USER_INFO) {
            return new Written(place, scheme + user + ":", value,
                    "@" + hosts + path + (query.isEmpty() ? "" : "?" + query), password);
        }
        return new Written(place, scheme + (user.isEmpty() ? "" : user + "@") + hosts + path + "?"
                + place.parameterName + "=", value, query.isEmpty() ? "" : "&" + query, password);
    }

    private static Arbitrary<String> passwords() {
        return Arbitraries.strings().alpha().numeric().withChars(PASSWORD_SPECIALS).ofMinLength(6).ofMaxLength(20);
    }

    private static Arbitrary<String> schemes() {
        return Arbitraries.of("postgresql://", "postgres://", "jdbc:postgresql://", "PostgreSQL://",
                "JDBC:PostgreSQL://");
    }

    private static Arbitrary<String> users() {
        return Arbitraries.strings().alpha().numeric().ofMaxLength(8);
    }

    private static Arbitrary<String> hostLists() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-', '.')
                .ofMinLength(1).ofMaxLength(15);
        Arbitrary<String> fixed = Arbitraries.of("localhost", "127.0.0.1", "[::1]", "[2001:db8::17]",
                "[fe80::1%25eth0]", "b%C3%BCcher.example");
        Arbitrary<String> ports = Arbitraries.integers().between(1, 65535).map(port -> ":" + port);
        return Combinators.combine(Arbitraries.oneOf(names, fixed), Arbitraries.oneOf(ports, Arbitraries.just("")))
                .as(String::concat)
                .list().ofMinSize(1).ofMaxSize(3).map(list -> String.join(",", list));
    }

    private static Arbitrary<String> databases() {
        return Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(12).injectNull(0.2);
    }

    private static Arbitrary<List<String>> parameters() {
        Arbitrary<String> parameter = Arbitraries.oneOf(
                Arbitraries.of("sslmode=require", "sslmode=verify-full", "connect_timeout=10", "keepalives=1",
                        "target_session_attrs=read-write", "passfile=%2Ftmp%2Fpgpass"),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(10)
                        .map(name -> "application_name=" + encode(name, "")));
        return parameter.list().ofMaxSize(3).uniqueElements(pair -> pair.substring(0, pair.indexOf('=')));
    }

    /** Percent-encodes the UTF-8 bytes of every character but letters, digits, {@code -._~} and {@code keep}. */
    private static String encode(String text, String keep) {
        return text.codePoints().mapToObj(codePoint -> {
            String character = new String(Character.toChars(codePoint));
            boolean unreserved = codePoint < 0x80 && (Character.isLetterOrDigit(codePoint) || "-._~".indexOf(codePoint) >= 0);
            if (unreserved || keep.contains(character)) {
                return character;
            }
            StringBuilder escaped = new StringBuilder();
            for (byte b : character.getBytes(StandardCharsets.UTF_8)) {
                escaped.append(String.format(java.util.Locale.ROOT, "%%%02X", b & 0xFF));
            }
            return escaped.toString();
        }).collect(Collectors.joining());
    }
}
