package dev.pgkeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseUrlsTest {

    @Nested
    class Validate {

        @Test
        void acceptsAUsableUrlWithoutMessages() {
            ValidationResult result = DatabaseUrls.validateDatabaseUrl(
                    "postgresql://app:p%40ss@db1:5432,db2:5432/orders?sslmode=require&target_session_attrs=read-write");

            assertThat(result).isEqualTo(new ValidationResult(true, List.of(), List.of()));
        }

        @Test
        void rejectsNullInsteadOfThrowing() {
            ValidationResult result = DatabaseUrls.validateDatabaseUrl(null, true);

            assertThat(result.valid()).isFalse();
            assertThat(result.errors()).singleElement().asString().contains("missing");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
                ""                                       | empty
                mysql://app@db/orders                    | only postgresql://, postgres:// and jdbc:postgresql://
                jdbc:postgresql:orders                   | has no host
                postgresql://db1,,db2/orders             | Entry 2 of the host list is empty
                postgresql://db:99999/orders             | out of range
                postgresql://[::1/orders                 | does not close it with ']'
                postgresql://app%zz@db/orders            | invalid percent-escape
                postgresql://db%20one/orders             | not allowed in a host name
                postgresql://db/orders#x                 | fragment
                postgresql://db/orders?sslmode=yes       | use one of disable, allow, prefer, require, verify-ca, verify-full
                postgresql://db/orders?target_session_attrs=rw | use one of any, read-write
                jdbc:postgresql://db/orders?targetServerType=rw | use one of any, primary, master
                postgresql://db/orders?connect_timeout=-5 | whole number of seconds
                postgresql://db/orders?keepalives=on     | use one of 0, 1
                postgresql://db/orders?host=other        | put the host and port in the URL itself
                """)
        void reportsErrors(String url, String expectedMessagePart) {
            ValidationResult result = DatabaseUrls.validateDatabaseUrl(url);

            assertThat(result.valid()).isFalse();
            assertThat(result.errors()).anySatisfy(error -> assertThat(error).contains(expectedMessagePart));
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
                postgresql://app@db                      | names no database
                postgresql://db/orders?passfile=/x       | does not read password files
                postgresql://db/orders?krbsrvname=pg     | is ignored
                postgresql://db/orders?colour=blue       | check its spelling
                """)
        void reportsWarningsWithoutRejecting(String url, String expectedMessagePart) {
            ValidationResult result = DatabaseUrls.validateDatabaseUrl(url);

            assertThat(result.valid()).isTrue();
            assertThat(result.warnings()).anySatisfy(warning -> assertThat(warning).contains(expectedMessagePart));
        }

        @Test
        void oneArgumentFormFollowsAppEnv() {
            String developmentUrl = "postgresql://app@localhost/orders";
            String appEnv = System.getenv("APP_ENV");
            boolean production = appEnv != null && appEnv.trim().equalsIgnoreCase("production");

            assertThat(DatabaseUrls.validateDatabaseUrl(developmentUrl))
                    .isEqualTo(DatabaseUrls.validateDatabaseUrl(developmentUrl, production));
            assertThat(DatabaseUrls.validateDatabaseUrl(developmentUrl, false).warnings()).isEmpty();
            assertThat(DatabaseUrls.validateDatabaseUrl(developmentUrl, true).warnings()).isNotEmpty();
        }

        @Test
        void productionWarnsWhenSslmodeIsMissing() {
            assertThat(productionWarnings("postgresql://app@db.example.com/orders"))
                    .singleElement().asString().contains("sets no sslmode").contains("sslmode=require")
                    .contains("verify-full");
        }

        @ParameterizedTest
        @ValueSource(strings = {"disable", "allow", "prefer"})
        void productionWarnsWhenSslmodeAllowsPlainText(String sslMode) {
            assertThat(productionWarnings("postgresql://app@db.example.com/orders?sslmode=" + sslMode))
                    .singleElement().asString().contains("sslmode=" + sslMode).contains("unencrypted");
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "postgresql://app@db.example.com/orders?sslmode=require",
                "postgresql://app@db.example.com/orders?sslmode=verify-full",
                "jdbc:postgresql://db.example.com/orders?ssl=true",
        })
        void productionAcceptsEncryptedRemoteUrls(String url) {
            assertThat(productionWarnings(url)).isEmpty();
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
                postgresql://app@localhost/orders?sslmode=require        | localhost
                postgresql://app@LOCALHOST/orders?sslmode=require        | LOCALHOST
                postgresql://app@127.0.0.1/orders?sslmode=require        | 127.0.0.1
                postgresql://app@[::1]:5433/orders?sslmode=require       | ::1
                postgresql://app@db,localhost/orders?sslmode=require     | localhost
                """)
        void productionWarnsAboutLocalHosts(String url, String host) {
            assertThat(productionWarnings(url)).singleElement().asString()
                    .contains("'" + host + "'").contains("development URL");
        }

        @Test
        void productionAddsNothingToAnUnusableUrl() {
            String url = "postgresql://localhost:0/orders";

            assertThat(DatabaseUrls.validateDatabaseUrl(url, true)).isEqualTo(DatabaseUrls.validateDatabaseUrl(url));
        }

        @Test
        void givesTheSameResultEveryTime() {
            String url = "postgresql://app@db:0,,x:y/orders?sslmode=on&keepalives=2&colour=blue";

            assertThat(DatabaseUrls.validateDatabaseUrl(url, true)).isEqualTo(DatabaseUrls.validateDatabaseUrl(url, true));
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "postgresql://app:Sup3rS3cret@localhost/orders?sslmode=prefer&passfile=x",
                "postgresql://app:Sup3rS3cret@db:bad/orders",
                "postgresql://app:Sup3rS3cret%zz@db/orders",
                "postgresql://app:Sup3rS3cret/x@db/orders",
                "postgresql://app:Sup3rS3cret#x@db/orders",
                "postgresql://app@db/orders?password=Sup3rS3cret&password=Sup3rS3cret",
                "jdbc:postgresql://db/orders?password=Sup3rS3cret%&sslmode=on",
                "mysql://app:Sup3rS3cret@db/orders",
                "app:Sup3rS3cret@db/orders",
        })
        void neverMentionsThePassword(String url) {
            ValidationResult result = DatabaseUrls.validateDatabaseUrl(url, true);

            assertThat(Stream.concat(result.errors().stream(), result.warnings().stream()))
                    .isNotEmpty()
                    .noneSatisfy(message -> assertThat(message).containsIgnoringCase("Sup3rS3cret"));
        }

        private List<String> productionWarnings(String url) {
            ValidationResult result = DatabaseUrls.validateDatabaseUrl(url, true);
            assertThat(result.errors()).isEmpty();
            return result.warnings();
        }
    }

    @Nested
    class Sanitize {

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
                postgresql://u:secret@h/db                         | postgresql://u:****@h/db
                postgres://u:p%40ss@h1:5432,h2:5433/db?sslmode=require | postgres://u:****@h1:5432,h2:5433/db?sslmode=require
                jdbc:postgresql://u:secret@h/db                    | jdbc:postgresql://u:****@h/db
                postgresql://u:secret@[::1]:5433/db                | postgresql://u:****@[::1]:5433/db
                postgresql://:secret@h/db                          | postgresql://:****@h/db
                jdbc:postgresql://h/db?user=u&password=secret      | jdbc:postgresql://h/db?user=u&password=****
                jdbc:postgresql://h/db?password=secret&ssl=true    | jdbc:postgresql://h/db?password=****&ssl=true
                postgresql://h/db?PASSWORD=secret                  | postgresql://h/db?PASSWORD=****
                postgresql://h/db?sslpassword=secret&sslmode=require | postgresql://h/db?sslpassword=****&sslmode=require
                postgresql://h/db?SslPassword=secret               | postgresql://h/db?SslPassword=****
                postgresql://h/db?pass%77ord=secret                | postgresql://h/db?pass%77ord=****
                postgresql://h/db?oauth_client_secret=secret       | postgresql://h/db?oauth_client_secret=****
                postgresql://u:secret@h/db?password=other          | postgresql://u:****@h/db?password=****
                postgresql://u:pa@ss@h/db                          | postgresql://u:****@h/db
                postgresql://u:p/w?x@h/db                          | postgresql://u:****@h/db
                postgresql://u:p#w@h/db                            | postgresql://u:****@h/db
                postgresql://u:p:w@h/db                            | postgresql://u:****@h/db
                postgresql://u:p%zz@h:bad/db                       | postgresql://u:****@h:bad/db
                mysql://u:secret@h/db                              | mysql://u:****@h/db
                u:secret@host/db                                   | u:****@host/db
                u:secret@host/db?next=http://x                     | u:****@host/db?next=http://x
                host=x password=secret dbname=y                    | host=x password=**** dbname=y
                host=x PASSWORD=secret                             | host=x PASSWORD=****
                host=x password='quoted value' dbname=y            | host=x password=**** dbname=y
                host=x password='it\\'s' dbname=y                  | host=x password=**** dbname=y
                host=x password = spaced dbname=y                  | host=x password = **** dbname=y
                host=x password=secret                             | host=x password=****
                some text password=secret&more                     | some text password=****&more
                postgresql://u:@h/db                               | postgresql://u:@h/db
                postgresql://u@h:5432/db                           | postgresql://u@h:5432/db
                postgresql://h/db?password=&user=u                 | postgresql://h/db?password=&user=u
                not a url at all                                   | not a url at all
                ""                                                 | ""
                """)
        void masksThePasswordWhereverItIs(String url, String expected) {
            assertThat(DatabaseUrls.sanitizeUrl(url)).isEqualTo(expected);
        }

        @Test
        void masksUnencodedHashInQueryPasswordToo() {
            assertThat(DatabaseUrls.sanitizeUrl("postgresql://h/db?password=se#cret&sslmode=require"))
                    .isEqualTo("postgresql://h/db?password=****&sslmode=require");
        }

        @Test
        void masksUnencodedSpaceInQueryPasswordOfAUrl() {
            assertThat(DatabaseUrls.sanitizeUrl("postgresql://h/db?password=se cret x=y&sslmode=require"))
                    .isEqualTo("postgresql://h/db?password=****&sslmode=require");
        }

        @Test
        void returnsEmptyTextForNull() {
            assertThat(DatabaseUrls.sanitizeUrl(null)).isEmpty();
        }

        @Test
        void changesNothingWhenAppliedTwice() {
            String once = DatabaseUrls.sanitizeUrl("postgresql://u:pa@ss@h/db?password='x y' z&sslpassword=q");

            assertThat(DatabaseUrls.sanitizeUrl(once)).isEqualTo(once);
        }
    }
}
