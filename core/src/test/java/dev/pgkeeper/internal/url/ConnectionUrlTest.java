package dev.pgkeeper.internal.url;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.pgkeeper.internal.url.ConnectionUrl.Form;
import dev.pgkeeper.internal.url.ConnectionUrl.HostPort;
import dev.pgkeeper.internal.url.ConnectionUrl.ParseResult;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.Driver;

class ConnectionUrlTest {

    @Nested
    class LibpqForm {

        @Test
        void readsEveryPart() {
            ConnectionUrl url = valid("postgresql://alice:s3cret@db.example.com:6543/orders?sslmode=require");

            assertThat(url.form()).isEqualTo(Form.LIBPQ);
            assertThat(url.user()).isEqualTo("alice");
            assertThat(url.password()).isEqualTo("s3cret");
            assertThat(url.hosts()).containsExactly(new HostPort("db.example.com", 6543));
            assertThat(url.database()).isEqualTo("orders");
            assertThat(url.parameters()).containsExactly(entry("sslmode", "require"));
        }

        @Test
        void decodesPercentEncodedPassword() {
            assertThat(valid("postgresql://alice:p%40ss@db/orders").password()).isEqualTo("p@ss");
        }

        @Test
        void decodesUtf8AndKeepsPlusAsPlus() {
            ConnectionUrl url = valid("postgresql://j%C3%BCrgen:a+b@db/caf%C3%A9+bar");

            assertThat(url.user()).isEqualTo("jürgen");
            assertThat(url.password()).isEqualTo("a+b");
            assertThat(url.database()).isEqualTo("café+bar");
        }

        @Test
        void acceptsPostgresAliasAndAnyCaseScheme() {
            assertThat(valid("postgres://db/orders").form()).isEqualTo(Form.LIBPQ);
            assertThat(valid("PostgreSQL://db/orders").form()).isEqualTo(Form.LIBPQ);
        }

        @Test
        void usesDefaultPortWhenNoneIsGiven() {
            assertThat(valid("postgresql://db/orders").hosts()).containsExactly(new HostPort("db", 5432));
        }

        @Test
        void readsIpv6HostWithPort() {
            ConnectionUrl url = valid("postgresql://app@[::1]:5433/orders");

            assertThat(url.hosts()).containsExactly(new HostPort("::1", 5433));
            assertThat(url.hostList()).isEqualTo("[::1]:5433");
        }

        @Test
        void readsIpv6HostWithZone() {
            assertThat(valid("postgresql://[fe80::1%25eth0]/orders").hosts())
                    .containsExactly(new HostPort("fe80::1%eth0", 5432));
        }

        @Test
        void readsIpv4MappedIpv6Host() {
            assertThat(valid("postgresql://[::ffff:192.0.2.1]/orders").hosts())
                    .containsExactly(new HostPort("::ffff:192.0.2.1", 5432));
        }

        @Test
        void readsSeveralHostsInOrder() {
            ConnectionUrl url = valid("postgresql://h1:5432,h2:5433,[2001:db8::7]/orders?target_session_attrs=read-write");

            assertThat(url.hosts()).containsExactly(
                    new HostPort("h1", 5432), new HostPort("h2", 5433), new HostPort("2001:db8::7", 5432));
            assertThat(url.driverProperties()).containsEntry("targetServerType", "primary");
        }

        @Test
        void convertsInternationalHostNamesToAscii() {
            assertThat(valid("postgresql://bücher.example/orders").hosts())
                    .containsExactly(new HostPort("xn--bcher-kva.example", 5432));
            assertThat(valid("postgresql://b%C3%BCcher.example/orders").hosts())
                    .containsExactly(new HostPort("xn--bcher-kva.example", 5432));
        }

        @Test
        void queryParametersFillAndOverrideUserPasswordAndDatabase() {
            ConnectionUrl url = valid("postgresql://alice:old@db/old?user=bob&password=n%26w&dbname=new");

            assertThat(url.user()).isEqualTo("bob");
            assertThat(url.password()).isEqualTo("n&w");
            assertThat(url.database()).isEqualTo("new");
            assertThat(url.parameters()).isEmpty();
        }

        @Test
        void keepsOtherParametersInUrlOrderWithOriginalNames() {
            ConnectionUrl url = valid("postgresql://db/orders?sslmode=require&application_name=billing&connect_timeout=5");

            assertThat(url.parameters()).containsExactly(
                    entry("sslmode", "require"), entry("application_name", "billing"), entry("connect_timeout", "5"));
        }

        @Test
        void hasNoUserOrPasswordWhenUrlHasNone() {
            ConnectionUrl url = valid("postgresql://db/orders");

            assertThat(url.user()).isNull();
            assertThat(url.password()).isNull();
        }
    }

    @Nested
    class JdbcForm {

        @Test
        void takesCredentialsFromQueryParameters() {
            ConnectionUrl url = valid("jdbc:postgresql://db:5433/orders?user=alice&password=p%40ss&ssl=true");

            assertThat(url.form()).isEqualTo(Form.JDBC);
            assertThat(url.user()).isEqualTo("alice");
            assertThat(url.password()).isEqualTo("p@ss");
            assertThat(url.hosts()).containsExactly(new HostPort("db", 5433));
            assertThat(url.parameters()).containsExactly(entry("ssl", "true"));
        }

        @Test
        void acceptsUserInfo() {
            ConnectionUrl url = valid("JDBC:PostgreSQL://alice:s3cret@db/orders");

            assertThat(url.user()).isEqualTo("alice");
            assertThat(url.password()).isEqualTo("s3cret");
        }

        @Test
        void passesUnknownParametersWithoutWarning() {
            ParseResult result = ConnectionUrl.parse("jdbc:postgresql://db/orders?prepareThreshold=0&reWriteBatchedInserts=true");

            assertThat(result.warnings()).isEmpty();
            assertThat(result.url().driverProperties())
                    .containsExactly(entry("prepareThreshold", "0"), entry("reWriteBatchedInserts", "true"));
        }
    }

    @Nested
    class Errors {

        @ParameterizedTest
        @NullAndEmptySource
        @ValueSource(strings = {"   "})
        void rejectsMissingUrl(String text) {
            assertThat(errorsOf(text)).singleElement().asString().contains("set it to a URL");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
                mysql://u:p@db/orders                         | only postgresql://, postgres:// and jdbc:postgresql://
                db.example.com/orders                         | does not start with postgresql://
                jdbc:postgresql:orders                        | has no host
                postgresql:///orders                          | has no host
                /var/run/postgresql                           | Unix-domain sockets are not supported
                host=db dbname=orders                         | keyword/value string
                postgresql://h1,,h2/orders                    | Entry 2 of the host list is empty
                postgresql://h1,/orders                       | Entry 2 of the host list is empty
                postgresql://:5432/orders                     | has a port but no host name
                postgresql://db:abc/orders                    | port 'abc', which is not a number
                postgresql://db:0/orders                      | port '0', which is out of range
                postgresql://db:65536/orders                  | port '65536', which is out of range
                postgresql://db:/orders                       | has ':' but no port
                postgresql://[::1/orders                      | does not close it with ']'
                postgresql://[::1]5432/orders                 | after ']', where only ':port' may follow
                postgresql://[]/orders                        | is not a valid IPv6 address
                postgresql://[1:2:3:4:5:6:7:8:9]/orders       | is not a valid IPv6 address
                postgresql://[fe80::1%25]/orders              | is not a valid IPv6 address
                postgresql://[fe80::1%eth0]/orders            | invalid percent-escape
                postgresql://::1/orders                       | IPv6 address without brackets
                postgresql://alice%zz@db/orders               | The user name has an invalid percent-escape
                postgresql://db/orders%4                      | The database name has an invalid percent-escape
                postgresql://db/%C3%28                        | not valid UTF-8
                postgresql://db/orders?application_name=%FF   | not valid UTF-8
                postgresql://db%20one/orders                  | contains U+0020, which is not allowed in a host name
                postgresql://db%2Fone/orders                  | contains '/', which is not allowed
                postgresql://db%3Fone/orders                  | contains '?', which is not allowed
                postgresql://db%23one/orders                  | contains '#', which is not allowed
                postgresql://db%40one/orders                  | contains '@', which is not allowed
                postgresql://db]one/orders                    | contains ']', which is not allowed
                postgresql://db[one/orders                    | contains '[', which is not allowed
                postgresql://db/orders#top                    | would start a fragment
                postgresql://db/orders?sslmode=required       | use one of disable, allow, prefer, require, verify-ca, verify-full
                postgresql://db/orders?target_session_attrs=rw | use one of any, read-write, read-only, primary, standby, prefer-standby
                jdbc:postgresql://db/orders?targetServerType=rw | use one of any, primary, master, slave, secondary, preferSlave, preferSecondary, preferPrimary
                postgresql://db/orders?connect_timeout=-1     | whole number of seconds
                postgresql://db/orders?connect_timeout=ten    | whole number of seconds
                postgresql://db/orders?keepalives=yes         | use one of 0, 1
                postgresql://db/orders?host=other             | put the host and port in the URL itself
                postgresql://db/orders?hostaddr=10.0.0.1      | put the host and port in the URL itself
                postgresql://db/orders?port=5433              | put the host and port in the URL itself
                postgresql://db/orders?sslmode                | has no '='
                postgresql://db/orders?=require               | has no name
                postgresql://db/orders?sslmode=require&sslmode=disable | appears more than once
                postgresql://db/a/b                           | write a '/' that belongs to the name as %2F
                postgresql://db/orders%00                     | NUL character
                postgresql://alice@me@db/orders               | write it as %40
                postgresql://db/orders?application_name=me@home | an '@' after the host list
                """)
        void rejectsWithMessageSayingWhatAndHow(String text, String expectedMessagePart) {
            assertThat(errorsOf(text)).anySatisfy(error -> assertThat(error).contains(expectedMessagePart));
        }

        @ParameterizedTest
        @ValueSource(strings = {" postgresql://db/orders", "postgresql://db/orders\n", "\uFEFFpostgresql://db/orders"})
        void rejectsWhitespaceAndInvisibleCharactersAtTheEnds(String text) {
            assertThat(errorsOf(text)).singleElement().asString().contains("starts or ends with whitespace");
        }

        @Test
        void rejectsWhitespaceInsideAndSaysWhere() {
            assertThat(errorsOf("postgresql://db/my orders")).singleElement().asString()
                    .contains("U+0020 at character 19").contains("%20");
        }

        @Test
        void rejectsInternationalHostNameThatIdnaCannotConvert() {
            String labelTooLong = "ü".repeat(64);

            assertThat(errorsOf("postgresql://" + labelTooLong + ".example/orders")).singleElement().asString()
                    .contains("is not a valid internationalized domain name");
        }

        @Test
        void reportsEveryProblemInsideTheUrl() {
            assertThat(errorsOf("postgresql://db:0,,other:x/orders?sslmode=on&keepalives=2")).hasSize(5);
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "postgresql://alice:s3cr%zzet@db/orders",
                "postgresql://alice:s3cr%C3et@db/orders",
                "postgresql://alice:s3cr%00et@db/orders",
                "postgresql://alice:s3cr/et@db/orders",
                "postgresql://alice:s3cr?et@db/orders",
                "postgresql://alice:s3cr#et@db/orders",
                "postgresql://alice:s3cr@et@db/orders",
                "postgresql://alice:s3cr:et@db:x/orders",
                "postgresql://db/orders?password=s3cr%zzet",
                "postgresql://db/orders?password=s3cr&et",
        })
        void neverRepeatsThePassword(String text) {
            ParseResult result = ConnectionUrl.parse(text);

            assertThat(result.errors()).isNotEmpty();
            assertThat(result.errors()).noneSatisfy(error -> assertThat(error).containsAnyOf("s3cr", "et@"));
            assertThat(result.warnings()).noneSatisfy(warning -> assertThat(warning).contains("s3cr"));
        }
    }

    @Nested
    class Warnings {

        @Test
        void warnsWhenNoDatabaseIsNamed() {
            ParseResult result = ConnectionUrl.parse("postgresql://alice@db:5432");

            assertThat(result.isValid()).isTrue();
            assertThat(result.url().database()).isNull();
            assertThat(result.warnings()).singleElement().asString().contains("names no database")
                    .contains("user name");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
                passfile=/home/me/.pgpass  | does not read password files
                service=billing            | does not read connection service files
                requiressl=1               | use sslmode=require instead
                sslcompression=1           | 'sslcompression' is a libpq setting that pgkeeper does not pass to pgjdbc, so it is ignored
                krbsrvname=postgres        | 'krbsrvname' is a libpq setting that pgkeeper does not pass to pgjdbc, so it is ignored
                sslcrl=/etc/crl.pem        | 'sslcrl' is a libpq setting that pgkeeper does not pass to pgjdbc, so it is ignored
                sslmdoe=require            | 'sslmdoe' is not a libpq connection parameter, so it is ignored; check its spelling
                """)
        void warnsAboutIgnoredLibpqParameters(String parameter, String expectedWarningPart) {
            ParseResult result = ConnectionUrl.parse("postgresql://db/orders?" + parameter);

            assertThat(result.isValid()).isTrue();
            assertThat(result.warnings()).singleElement().asString().contains(expectedWarningPart);
            assertThat(result.url().driverProperties()).isEmpty();
        }
    }

    @Nested
    class DriverProperties {

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
                sslmode=verify-full                     | sslmode            | verify-full
                sslrootcert=/etc/ca.pem                 | sslrootcert        | /etc/ca.pem
                sslcert=/etc/client.pem                 | sslcert            | /etc/client.pem
                sslkey=/etc/client.key                  | sslkey             | /etc/client.key
                sslpassword=k3y                         | sslpassword        | k3y
                target_session_attrs=any                | targetServerType   | any
                target_session_attrs=read-write         | targetServerType   | primary
                target_session_attrs=primary            | targetServerType   | primary
                target_session_attrs=read-only          | targetServerType   | secondary
                target_session_attrs=standby            | targetServerType   | secondary
                target_session_attrs=prefer-standby     | targetServerType   | preferSecondary
                application_name=billing%20api          | ApplicationName    | billing api
                options=-c%20search_path%3Dapp          | options            | -c search_path=app
                keepalives=1                            | tcpKeepAlive       | true
                keepalives=0                            | tcpKeepAlive       | false
                gssencmode=disable                      | gssEncMode         | disable
                channel_binding=require                 | channelBinding     | require
                """)
        void translatesLibpqParametersToPgjdbcProperties(String parameter, String property, String value) {
            ConnectionUrl url = valid("postgresql://db/orders?" + parameter);

            assertThat(url.driverProperties()).containsExactly(entry(property, value));
        }

        @Test
        void setsBothPgjdbcTimeoutsFromConnectTimeout() {
            ConnectionUrl url = valid("postgresql://db/orders?connect_timeout=010");

            assertThat(url.driverProperties()).containsExactly(entry("connectTimeout", "10"), entry("loginTimeout", "10"));
        }

        @Test
        void leavesOutCredentials() {
            ConnectionUrl url = valid("postgresql://db/orders?user=alice&password=s3cret&sslmode=require");

            assertThat(url.driverProperties()).containsExactly(entry("sslmode", "require"));
        }
    }

    @Nested
    class JdbcUrl {

        @Test
        void listsEveryHostWithItsPortAndNothingElse() {
            ConnectionUrl url = valid("postgresql://alice:s3cret@h1,h2:5433,[::1]/orders?sslmode=require");

            assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://h1:5432,h2:5433,[::1]:5432/orders");
        }

        @Test
        void endsWithSlashWhenThereIsNoDatabase() {
            assertThat(valid("postgresql://db").jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/");
        }

        @ParameterizedTest
        @ValueSource(strings = {"my%20db", "a%2Bb", "100%25", "caf%C3%A9", "a%2Fb", "x%3Fy%26z%3Dw", "%E2%82%AC%20%2B%20%25"})
        void givesPgjdbcBackTheDatabaseNameExactly(String encodedName) throws SQLException {
            ConnectionUrl url = valid("postgresql://db/" + encodedName);

            Properties parsedByPgjdbc = Driver.parseURL(url.jdbcUrl(), null);

            assertThat(parsedByPgjdbc).isNotNull();
            assertThat(parsedByPgjdbc.getProperty("PGDBNAME")).isEqualTo(url.database());
        }

        @Test
        void neverContainsUserOrPassword() {
            ConnectionUrl url = valid("jdbc:postgresql://alice:s3cret@db/orders?password=n3w");

            assertThat(url.jdbcUrl()).doesNotContain("s3cret").doesNotContain("n3w").doesNotContain("alice");
        }
    }

    @Nested
    class Display {

        @Test
        void sanitizedShowsLibpqFormWithoutPassword() {
            ConnectionUrl url = valid("postgresql://alice:s3cret@h1,h2/orders?sslmode=require&sslpassword=k3y");

            assertThat(url.sanitized())
                    .isEqualTo("postgresql://alice@h1:5432,h2:5432/orders?sslmode=require&sslpassword=****");
        }

        @Test
        void sanitizedRendersJdbcFormInLibpqStyle() {
            ConnectionUrl url = valid("jdbc:postgresql://[fe80::1%25eth0]:5433/my%20db?user=al%40ce&password=s3cret&ssl=true");

            assertThat(url.sanitized()).isEqualTo("postgresql://al%40ce@[fe80::1%25eth0]:5433/my%20db?ssl=true");
        }

        @Test
        void sanitizedParsesBackToTheSameUrlWithoutPassword() {
            ConnectionUrl url = valid("postgresql://al%3Ace:s3cret@h1,[::1]:5433/caf%C3%A9?application_name=a%26b");

            ConnectionUrl reparsed = valid(url.sanitized());

            assertThat(reparsed).isEqualTo(new ConnectionUrl(
                    url.form(), url.hosts(), url.database(), url.user(), null, url.parameters()));
        }

        @Test
        void hostListShowsEveryHostAndPort() {
            assertThat(valid("postgresql://h1,[::1]:5433/orders").hostList()).isEqualTo("h1:5432,[::1]:5433");
        }

        @Test
        void toStringNeverShowsThePassword() {
            ConnectionUrl url = valid("postgresql://alice:s3cret@db/orders?sslpassword=k3y");

            assertThat(url.toString()).doesNotContain("s3cret").doesNotContain("k3y").contains("password=****");
        }
    }

    private static ConnectionUrl valid(String text) {
        ParseResult result = ConnectionUrl.parse(text);
        assertThat(result.errors()).as("errors for %s", text).isEmpty();
        return result.url();
    }

    private static List<String> errorsOf(String text) {
        ParseResult result = ConnectionUrl.parse(text);
        assertThat(result.isValid()).as("valid: %s", text).isFalse();
        assertThat(result.url()).isNull();
        return result.errors();
    }
}
