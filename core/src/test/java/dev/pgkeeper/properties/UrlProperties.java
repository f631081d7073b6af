package dev.pgkeeper.properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.pgkeeper.DatabaseUrls;
import dev.pgkeeper.ValidationResult;
import dev.pgkeeper.internal.url.ConnectionUrl;
import dev.pgkeeper.internal.url.ConnectionUrl.HostPort;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.postgresql.Driver;

/**
 * Properties of database URL validation and sanitizing, checked on generated input: DESIGN.md
 * properties 3 and 10 (total, deterministic, pure) and the rule that no password shows up in a message,
 * a sanitized URL, a JDBC URL or a {@code toString()}.
 *
 * <p>Input comes in three kinds: arbitrary strings (any UTF-16 code unit, including unpaired
 * surrogates, or only characters that matter in URLs); valid URLs with a password, in all three forms,
 * with one or more hosts (names, IPv4, IPv6 with and without zone, international names), ports,
 * databases, parameters, and a password in the user info or in a {@code password}, {@code PASSWORD} or
 * {@code sslpassword} parameter, percent-encoded and containing any of {@code @ : / ? # % & = +}, space,
 * quotes and non-ASCII letters; and those URLs broken by a few random edits.
 *
 * <p>10,000 tries in all: 2,000 each for the two arbitrary-string properties and 1,000 for each of the
 * other six.
 */
class UrlProperties {

    /** Characters with a meaning in URLs or keyword/value strings, to build strings that look almost right. */
    private static final String URL_CHARACTERS = "postgresqljdbc:/@?#&=%[]:,.-_ '\"\\+*\t\n0123456789ABCDEFxyz";

    /** Characters a random edit puts into a valid URL. */
    private static final String EDIT_CHARACTERS = "@:/?#%&=[],. \t\n'\"\\+*\u0000é€\uFEFF\uD800";

    /** Password characters: everything that needs percent-encoding, but no '*', which the mask is made of. */
    private static final String PASSWORD_SPECIALS = "@:/?#%&=+ '\"\\,;[]!$()~^`{}|<>éß€中";

    // --- Validation is total and deterministic -------------------------------------------------------

    @Property(tries = 2000)
    @Label("Seed property 3: validateDatabaseUrl gives one deterministic verdict and messages for any string, never throws")
    void validationIsTotalAndDeterministicForAnyString(@ForAll("anyText") String text, @ForAll boolean production) {
        assertTotalAndDeterministic(text, production);
    }

    @Property(tries = 1000)
    @Label("Seed property 3: validateDatabaseUrl gives one deterministic verdict and messages for nearly valid URLs")
    void validationIsTotalAndDeterministicForNearlyValidUrls(@ForAll("nearlyValidUrls") String text,
                                                             @ForAll boolean production) {
        assertTotalAndDeterministic(text, production);
    }

    // --- No password anywhere ----------------------------------------------------------------------

    @Property(tries = 1000)
    void sanitizedUrlNeverContainsThePassword(@ForAll("urlsWithPassword") UrlWithPassword url) {
        assertHidesPassword(url, DatabaseUrls::sanitizeUrl);
    }

    @Property(tries = 1000)
    void validationMessagesNeverContainThePassword(@ForAll("urlsWithPassword") UrlWithPassword url,
                                                   @ForAll boolean production) {
        assertHidesPassword(url, text -> {
            ValidationResult result = DatabaseUrls.validateDatabaseUrl(text, production);
            return String.join("\n", result.errors()) + "\n" + String.join("\n", result.warnings());
        });
    }

    @Property(tries = 1000)
    void parsedUrlNeverShowsThePassword(@ForAll("urlsWithPassword") UrlWithPassword url) {
        ConnectionUrl.ParseResult parsed = ConnectionUrl.parse(url.text());
        assertThat(parsed.errors()).as("errors for %s", url.text()).isEmpty();

        assertHidesPassword(url, text -> ConnectionUrl.parse(text).url().jdbcUrl());
        assertHidesPassword(url, text -> ConnectionUrl.parse(text).url().toString());
        assertHidesPassword(url, text -> ConnectionUrl.parse(text).url().sanitized());
    }

    // --- Sanitizing is total and idempotent --------------------------------------------------------

    @Property(tries = 2000)
    void sanitizingIsTotalAndIdempotentForAnyString(@ForAll("anyText") String text) {
        String once = DatabaseUrls.sanitizeUrl(text);

        assertThat(DatabaseUrls.sanitizeUrl(once)).isEqualTo(once);
    }

    @Property(tries = 1000)
    void sanitizingIsIdempotentForNearlyValidUrls(@ForAll("nearlyValidUrls") String text) {
        String once = DatabaseUrls.sanitizeUrl(text);

        assertThat(DatabaseUrls.sanitizeUrl(once)).isEqualTo(once);
    }

    // --- What pgjdbc receives --------------------------------------------------------------------

    @Property(tries = 1000)
    void pgjdbcReadsTheSameHostsAndDatabaseFromTheJdbcUrl(@ForAll("urlsWithPassword") UrlWithPassword generated)
            throws SQLException {
        ConnectionUrl url = ConnectionUrl.parse(generated.text()).url();

        Properties readByPgjdbc = Driver.parseURL(url.jdbcUrl(), null);

        assertThat(readByPgjdbc).as("pgjdbc rejected %s", url.jdbcUrl()).isNotNull();
        assertThat(readByPgjdbc.getProperty("PGDBNAME")).isEqualTo(url.database());
        assertThat(readByPgjdbc.getProperty("PGPORT")).isEqualTo(
                url.hosts().stream().map(host -> Integer.toString(host.port())).collect(Collectors.joining(",")));
        assertThat(readByPgjdbc.getProperty("PGHOST")).isEqualTo(
                url.hosts().stream().map(UrlProperties::hostAsPgjdbcReadsIt).collect(Collectors.joining(",")));
    }

    // --- Checks ----------------------------------------------------------------------------------

    private static void assertTotalAndDeterministic(String text, boolean production) {
        assertThatCode(() -> DatabaseUrls.validateDatabaseUrl(text, production)).doesNotThrowAnyException();

        ValidationResult first = DatabaseUrls.validateDatabaseUrl(text, production);
        ValidationResult second = DatabaseUrls.validateDatabaseUrl(text, production);

        assertThat(second).isEqualTo(first);
        assertThat(first.valid()).isEqualTo(first.errors().isEmpty());
    }

    /**
     * Asserts that {@code render} shows neither the password nor its encoded form. A password can also
     * appear by coincidence, as part of a host or a fixed message text; such cases are skipped by
     * rendering the same URL without the password first.
     */
    private static void assertHidesPassword(UrlWithPassword url, Function<String, String> render) {
        String renderedWithoutPassword = render.apply(url.textWithoutPassword());
        Assume.that(!url.textWithoutPassword().contains(url.password())
                && !url.textWithoutPassword().contains(url.encodedPassword())
                && !renderedWithoutPassword.contains(url.password())
                && !renderedWithoutPassword.contains(url.encodedPassword()));

        assertThat(render.apply(url.text()))
                .doesNotContain(url.password())
                .doesNotContain(url.encodedPassword());
    }

    private static String hostAsPgjdbcReadsIt(HostPort host) {
        return host.host().indexOf(':') >= 0 ? "[" + host.host() + "]" : host.host();
    }

    // --- Generators ------------------------------------------------------------------------------

    /**
     * A valid URL with a password, and the same URL with an empty password in the same place.
     *
     * @param text                the URL
     * @param textWithoutPassword the URL with the encoded password removed
     * @param password            the password as the server sees it
     * @param encodedPassword     the password as written in the URL
     */
    record UrlWithPassword(String text, String textWithoutPassword, String password, String encodedPassword) {
    }

    /** Where a generated URL carries its password. */
    enum PasswordPlace {
        USER_INFO(null), PASSWORD_PARAMETER("password"), UPPER_CASE_PASSWORD_PARAMETER("PASSWORD"),
        SSLPASSWORD_PARAMETER("sslpassword");

        private final String parameterName;

        PasswordPlace(String parameterName) {
            this.parameterName = parameterName;
        }
    }

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(200),
                Arbitraries.strings().withChars(URL_CHARACTERS).ofMaxLength(80));
    }

    @Provide
    Arbitrary<UrlWithPassword> urlsWithPassword() {
        return Combinators.combine(schemes(), users(), hostLists(), databases(), parameters(),
                        Arbitraries.of(PasswordPlace.class), passwords())
                .as(UrlProperties::urlWithPassword);
    }

    @Provide
    Arbitrary<String> nearlyValidUrls() {
        Arbitrary<Edit> edits = Combinators.combine(Arbitraries.of(EditKind.class),
                        Arbitraries.integers().between(0, 500), Arbitraries.of(EDIT_CHARACTERS.toCharArray()))
                .as(Edit::new);
        return Combinators.combine(urlsWithPassword(), edits.list().ofMinSize(1).ofMaxSize(3))
                .as((url, list) -> applyEdits(url.text(), list));
    }

    private static UrlWithPassword urlWithPassword(String scheme, String user, String hosts, String database,
                                                   List<String> parameters, PasswordPlace place, String password) {
        String encodedPassword = encode(password);
        String path = database == null ? "" : "/" + encode(database);
        String query = String.join("&", parameters);
        String prefix;
        String suffix;
        if (place == PasswordPlace.USER_INFO) {
            prefix = scheme + user + ":";
            suffix = "@" + hosts + path + (query.isEmpty() ? "" : "?" + query);
        } else {
            prefix = scheme + (user.isEmpty() ? "" : user + "@") + hosts + path + "?" + place.parameterName + "=";
            suffix = query.isEmpty() ? "" : "&" + query;
        }
        return new UrlWithPassword(prefix + encodedPassword + suffix, prefix + suffix, password, encodedPassword);
    }

    private static Arbitrary<String> schemes() {
        return Arbitraries.of("postgresql://", "postgres://", "jdbc:postgresql://", "PostgreSQL://", "JDBC:postgresql://");
    }

    private static Arbitrary<String> users() {
        return Arbitraries.strings().alpha().numeric().ofMaxLength(8);
    }

    private static Arbitrary<String> hostLists() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-', '.')
                .ofMinLength(1).ofMaxLength(15);
        Arbitrary<String> ipv4 = Arbitraries.integers().between(0, 255).list().ofSize(4)
                .map(octets -> octets.stream().map(String::valueOf).collect(Collectors.joining(".")));
        Arbitrary<String> fixed = Arbitraries.of("localhost", "127.0.0.1", "[::1]", "[2001:db8::17]",
                "[fe80::1%25eth0]", "[::ffff:192.0.2.1]", "bücher.example", "b%C3%BCcher.example");
        Arbitrary<String> hosts = Arbitraries.oneOf(names, ipv4, fixed);
        Arbitrary<String> ports = Arbitraries.integers().between(1, 65535).map(port -> ":" + port);
        Arbitrary<String> hostWithPort = Combinators.combine(hosts, Arbitraries.oneOf(ports, Arbitraries.just("")))
                .as(String::concat);
        return hostWithPort.list().ofMinSize(1).ofMaxSize(3).map(list -> String.join(",", list));
    }

    private static Arbitrary<String> databases() {
        return Arbitraries.strings().withCharRange(' ', '~').withChars("éü€中").ofMinLength(1).ofMaxLength(12)
                .injectNull(0.2);
    }

    private static Arbitrary<List<String>> parameters() {
        Arbitrary<String> parameter = Arbitraries.oneOf(
                Arbitraries.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full").map(m -> "sslmode=" + m),
                Arbitraries.integers().between(0, 600).map(seconds -> "connect_timeout=" + seconds),
                Arbitraries.of("any", "read-write", "read-only", "primary", "standby", "prefer-standby")
                        .map(attrs -> "target_session_attrs=" + attrs),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(10).map(name -> "application_name=" + encode(name)),
                Arbitraries.of("keepalives=0", "keepalives=1", "passfile=%2Ftmp%2Fpgpass", "colour=blue"));
        return parameter.list().ofMaxSize(3).uniqueElements(pair -> pair.substring(0, pair.indexOf('=')));
    }

    private static Arbitrary<String> passwords() {
        return Arbitraries.strings().alpha().numeric().withChars(PASSWORD_SPECIALS).ofMinLength(6).ofMaxLength(20);
    }

    /** Percent-encodes as a careful user would; '+' for a space would mean '+' to libpq, so use %20. */
    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private enum EditKind { INSERT, REPLACE, DELETE, TRUNCATE }

    private record Edit(EditKind kind, int position, char character) {

        String applyTo(String text) {
            int at = position % (text.length() + 1);
            String rest = at < text.length() ? text.substring(at + 1) : "";
            return switch (kind) {
                case INSERT -> text.substring(0, at) + character + text.substring(at);
                case REPLACE -> text.substring(0, at) + character + rest;
                case DELETE -> text.substring(0, at) + rest;
                case TRUNCATE -> text.substring(0, at);
            };
        }
    }

    private static String applyEdits(String text, List<Edit> edits) {
        String edited = text;
        for (Edit edit : edits) {
            edited = edit.applyTo(edited);
        }
        return edited;
    }
}
