package dev.pgkeeper.internal.url;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The masking rules one by one. {@code DatabaseUrlsTest.Sanitize} checks the same rules through the public
 * {@code DatabaseUrls.sanitizeUrl}, and {@code SecretMaskerProperties} on generated URLs and passwords.
 */
class SecretMaskerTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            // user info, in every URL form
            "postgresql://app:hunter2@db1:5432/orders          | postgresql://app:****@db1:5432/orders",
            "postgres://:hunter2@db1,db2/orders                | postgres://:****@db1,db2/orders",
            "jdbc:postgresql://app:hunter2@db1/orders?ssl=true | jdbc:postgresql://app:****@db1/orders?ssl=true",
            "postgresql://app:p%40ss%3Aw0rd@db1/orders         | postgresql://app:****@db1/orders",
            // an unencoded '@', '/', '?', '#', space or "://" in the password: up to the last '@'
            "postgresql://app:p@ss@w0rd@db1/orders             | postgresql://app:****@db1/orders",
            "postgresql://app:p/w?x#y@db1/orders               | postgresql://app:****@db1/orders",
            "postgresql://app:two words@db1/orders             | postgresql://app:****@db1/orders",
            "postgresql://app:a://b@db1/orders                 | postgresql://app:****@db1/orders",
            // a URL inside a message, and text without a scheme
            "could not connect to postgresql://app:hunter2@db1/orders: refused | could not connect to postgresql://app:****@db1/orders: refused",
            "connecting as app:hunter2@db1/orders failed       | connecting as app:****@db1/orders failed",
            // secret settings: parameters, keyword/value strings, in any case, percent-encoded names
            "password=hunter2                                  | password=****",
            "user=app password=hunter2 dbname=orders           | user=app password=**** dbname=orders",
            "?sslmode=require&sslpassword=hunter2&x=1          | ?sslmode=require&sslpassword=****&x=1",
            "jdbc:postgresql://db1/orders?user=app&password=hunter2&ssl=true | jdbc:postgresql://db1/orders?user=app&password=****&ssl=true",
            "jdbc:postgresql://db1:5432/orders?user=app&password=p@ss | jdbc:postgresql://db1:5432/orders?user=app&password=****",
            "postgresql://db1/orders?PassWord=hunter2          | postgresql://db1/orders?PassWord=****",
            "postgresql://db1/orders?pass%77ord=hunter2        | postgresql://db1/orders?pass%77ord=****",
            "postgresql://db1/orders?oauth_client_secret=hunter2 | postgresql://db1/orders?oauth_client_secret=****",
            "PGPASSWORD: hunter2                               | PGPASSWORD: ****",
            "password='my secret' host=db1                     | password=**** host=db1",
            "`password = \"it's\" host=db1`                    | password = **** host=db1",
            // both at once
            "postgresql://app:hunter2@db1/orders?password=other&sslmode=require | postgresql://app:****@db1/orders?password=****&sslmode=require"})
    void masksPasswords(String text, String masked) {
        assertThat(SecretMasker.mask(text)).isEqualTo(masked);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "FATAL: password authentication failed for user \"app\"",
            "FATAL: no pg_hba.conf entry for host \"10.0.0.7\", user \"app@corp\", database \"orders\"",
            "postgresql://app@db1:5432/orders",
            "postgresql://app:@db1:5432/orders",
            "postgresql://db1/orders?password=&user=app",
            "http://db1:5432/health",
            "Connection to db1:5432 refused.",
            "Check the password for user app in DATABASE_URL; percent-encode @, :, / and % in it.",
            "secret-host:5432 is down",
            "ignore_startup_parameters = extra_float_digits,options"})
    void leavesTextWithoutSecretsAlone(String text) {
        assertThat(SecretMasker.mask(text)).isEqualTo(text);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void nullAndEmptyPassThrough(String text) {
        assertThat(SecretMasker.mask(text)).isEqualTo(text);
    }

    @Test
    void maskingTwiceChangesNothing() {
        String once = SecretMasker.mask("postgresql://u:pa@ss@h/db?password='x y' z&sslpassword=q PGPASSWORD: v");

        assertThat(SecretMasker.mask(once)).isEqualTo(once);
    }

    @ParameterizedTest
    @ValueSource(strings = {"password", "PASSWORD", "sslpassword", "SslPassword", "oauth_client_secret", "Secret"})
    void secretNames(String name) {
        assertThat(SecretMasker.isSecretName(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"user", "sslmode", "passfile", "options", "application_name"})
    void namesThatAreNotSecret(String name) {
        assertThat(SecretMasker.isSecretName(name)).isFalse();
    }
}
