package dev.pgkeeper.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseCredentials;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where each new connection's credentials come from; no server needed. */
class CredentialSourceTest {

    private static final String URL = "postgresql://app@db.example.com:5432/orders";

    @TempDir
    Path dir;

    private CredentialSource source(DatabaseConfig config) {
        return DriverSettings.of(config).credentials();
    }

    @Test
    void thePasswordFileIsReadAgainForEveryConnection() throws IOException {
        Path file = Files.writeString(dir.resolve("password"), "first\n");
        CredentialSource s = source(DatabaseConfig.builder().url(URL).passwordFile(file).build());

        assertThat(s.current()).isEqualTo(new DatabaseCredentials("app", "first"));
        Files.writeString(file, "second");
        assertThat(s.current()).isEqualTo(new DatabaseCredentials("app", "second"));
        assertThat(s.description()).isEqualTo("DB_PASSWORD_FILE (" + file + ")");
    }

    @Test
    void aFileThatIsGoneOrEmptyIsAnAuthFailureNamingTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("password"), "hunter2");
        CredentialSource s = source(DatabaseConfig.builder().url(URL).passwordFile(file).build());

        Files.writeString(file, "\n");
        assertThatThrownBy(s::current).isInstanceOfSatisfying(DatabaseError.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED);
            assertThat(e.isTemporary()).isFalse();
            assertThat(e.getMessage()).contains(file.toString(), "is empty");
        });
        Files.delete(file);
        assertThatThrownBy(s::current).isInstanceOfSatisfying(DatabaseError.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED);
            assertThat(e.getMessage()).contains("Could not read the password file " + file, "NoSuchFileException");
            assertThat(e.troubleshootingSteps()).anySatisfy(step -> assertThat(step).contains(file.toString()));
        });
    }

    @Test
    void aProviderIsAskedForEveryConnectionAndItsFailureIsAnAuthFailureWithoutItsSecrets() {
        AtomicInteger calls = new AtomicInteger();
        CredentialSource s = source(DatabaseConfig.builder().url(URL).credentialsProvider(() -> {
            if (calls.incrementAndGet() == 3) {
                throw new IllegalStateException("token service said no to password=tok-123");
            }
            return calls.get() == 1 ? DatabaseCredentials.password("tok-" + calls.get())
                    : new DatabaseCredentials("vault-user-" + calls.get(), "tok-" + calls.get());
        }).build());

        assertThat(s.current()).as("no user of its own: the URL's").isEqualTo(new DatabaseCredentials("app", "tok-1"));
        assertThat(s.current()).isEqualTo(new DatabaseCredentials("vault-user-2", "tok-2"));
        assertThatThrownBy(s::current).isInstanceOfSatisfying(DatabaseError.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED);
            assertThat(e.getMessage()).contains("java.lang.IllegalStateException").doesNotContain("tok-123")
                    .doesNotContain("token service said no");
            assertThat(e.getCause()).as("the provider's exception may quote secrets").isNull();
        });
    }

    @Test
    void aPasswordSupplierGivesThePasswordOfTheUrlsUser() {
        CredentialSource s = source(DatabaseConfig.builder().url(URL).passwordSupplier(() -> "from-supplier").build());

        assertThat(s.current()).isEqualTo(new DatabaseCredentials("app", "from-supplier"));
        assertThat(s.current().toString()).doesNotContain("from-supplier").contains("user=app");
    }

    @Test
    void onlyAChangedFileIsNewsAfterARefusal() throws Exception {
        Path file = Files.writeString(dir.resolve("password"), "old");
        CredentialSource s = source(DatabaseConfig.builder().url(URL).passwordFile(file).build());

        assertThat(s.changedSinceRefused()).as("nothing refused yet").isFalse();
        s.refused(s.current());
        assertThat(s.changedSinceRefused()).as("same password").isFalse();
        Files.writeString(file, "old");
        assertThat(s.changedSinceRefused()).as("rewritten with the same password").isFalse();
        Path next = Files.writeString(dir.resolve("password.next"), "new\n");
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThat(s.changedSinceRefused()).as("a new file moved over it, as a secret volume does").isTrue();
        s.refused(s.current());
        assertThat(s.changedSinceRefused()).as("the new one was refused too").isFalse();
        Files.delete(file);
        assertThat(s.changedSinceRefused()).as("gone: nothing to try").isFalse();
    }

    @Test
    void theUrlsPasswordNeverChanges() {
        CredentialSource s = source(DatabaseConfig.builder().url("postgresql://app:pw@db/orders").build());

        s.refused(s.current());
        assertThat(s.changedSinceRefused()).isFalse();
        assertThat(s.description()).isEqualTo("DATABASE_URL");
    }

    @Property(tries = 200)
    void theFileHoldsThePasswordWithOneTrailingLineBreakRemoved(@ForAll @StringLength(min = 1, max = 40)
                                                              @CharRange(from = ' ', to = '~') @CharRange(from = '\u00e0', to = '\u00ff')
                                                              String password,
                                                              @ForAll boolean crlf) throws IOException {
        Path tmp = Files.createTempFile("pgkeeper-password", ".txt");
        try {
            String content = password + (crlf ? "\r\n" : "\n");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            DatabaseCredentials c = DriverSettings.of(DatabaseConfig.builder().url(URL).passwordFile(tmp).build())
                    .credentials().current();
            assertThat(c.password()).isEqualTo(password);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
