package dev.pgkeeper.internal.url;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class SecretMaskerTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "password=hunter2                                  | password=****",
            "user=app password=hunter2 dbname=orders           | user=app password=**** dbname=orders",
            "?sslmode=require&sslpassword=hunter2&x=1          | ?sslmode=require&sslpassword=****&x=1",
            "PGPASSWORD: hunter2                               | PGPASSWORD: ****",
            "password='my secret' host=db1                     | password=**** host=db1",
            "postgresql://app:hunter2@db1:5432/orders          | postgresql://app:****@db1:5432/orders",
            "jdbc:postgresql://app:hunter2@db1/orders?ssl=true | jdbc:postgresql://app:****@db1/orders?ssl=true",
            "postgres://:hunter2@db1,db2/orders                | postgres://:****@db1,db2/orders",
            "postgresql://app:p@ss@w0rd@db1/orders             | postgresql://app:****@db1/orders"})
    void masksPasswords(String text, String masked) {
        assertThat(SecretMasker.mask(text)).isEqualTo(masked);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "FATAL: password authentication failed for user \"app\"",
            "postgresql://app@db1:5432/orders",
            "http://db1:5432/health",
            "Connection to db1:5432 refused."})
    void leavesTextWithoutSecretsAlone(String text) {
        assertThat(SecretMasker.mask(text)).isEqualTo(text);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void nullAndEmptyPassThrough(String text) {
        assertThat(SecretMasker.mask(text)).isEqualTo(text);
    }
}
