package dev.pgkeeper.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Certificate authorities, server certificates and client certificates made at test time with the
 * {@code openssl} command, in a temporary directory that {@link #close()} deletes; nothing is committed to
 * the repository and nothing outlives the test run. Keys are RSA 2048 without a passphrase and are readable
 * by their owner only ({@code 0600}), which PostgreSQL demands of {@code ssl_key_file}. Certificates are
 * valid for two days.
 *
 * <p>Needs {@code openssl} (1.1.1 or later) on the {@code PATH}; without it {@link #create()} fails with a
 * message naming the package to install.
 *
 * <p>Not thread-safe: create the certificates from one thread (a {@code @BeforeAll} method).
 */
public final class TestCertificates implements AutoCloseable {

    /** The command that installs {@code openssl} on Debian and Ubuntu. */
    public static final String INSTALL_COMMAND = "apt-get install -y -q openssl";

    private static final Pattern SAFE_FILE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final long OPENSSL_TIMEOUT_SECONDS = 60;

    private final Path directory;

    private TestCertificates(Path directory) {
        this.directory = directory;
    }

    /**
     * A certificate authority: a self-signed certificate that may sign others.
     *
     * @param certificate PEM certificate, to be named as {@code sslrootcert} or {@code ssl_ca_file}
     * @param key         PEM private key (PKCS-8), mode {@code 0600}
     */
    public record Authority(Path certificate, Path key) {
    }

    /**
     * A server certificate signed by an {@link Authority}.
     *
     * @param certificate PEM certificate, for {@code ssl_cert_file}
     * @param key         PEM private key (PKCS-8), mode {@code 0600}, for {@code ssl_key_file}
     */
    public record ServerCertificate(Path certificate, Path key) {
    }

    /**
     * A client certificate signed by an {@link Authority}, with its key in the forms pgjdbc reads.
     *
     * @param certificate PEM certificate, for {@code sslcert}
     * @param pemKey      PEM private key (PKCS-8, {@code BEGIN PRIVATE KEY}), mode {@code 0600}; pgjdbc reads it
     *                    from 42.7.9 on
     * @param pk8Key      the same key as unencrypted PKCS-8 DER ({@code .pk8}), mode {@code 0600}; the format every
     *                    pgjdbc 42.x reads for {@code sslkey}
     */
    public record ClientCertificate(Path certificate, Path pemKey, Path pk8Key) {
    }

    /**
     * Creates an empty temporary directory for certificates, after checking that {@code openssl} runs.
     *
     * @return a generator owning the new directory; close it to delete the directory
     * @throws IllegalStateException when {@code openssl} is missing or does not run
     * @throws UncheckedIOException  when the directory cannot be created
     */
    public static TestCertificates create() {
        requireOpenssl();
        try {
            return new TestCertificates(Files.createTempDirectory("pgkeeper-certs-"));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a directory for test certificates", e);
        }
    }

    /**
     * The directory the files are written to.
     *
     * @return an absolute path
     */
    public Path directory() {
        return directory.toAbsolutePath();
    }

    /**
     * Makes a new certificate authority with subject {@code CN=<commonName>}. Two calls make two unrelated
     * authorities, even with the same common name: each has its own key.
     *
     * @param fileName    base name of the files ({@code <fileName>.crt}, {@code <fileName>.key}): lower-case
     *                    letters, digits and dashes
     * @param commonName  the subject's common name
     * @return the certificate and key paths
     * @throws IllegalStateException when {@code openssl} fails, with its output
     */
    public Authority authority(String fileName, String commonName) {
        Path certificate = file(fileName, ".crt");
        Path key = file(fileName, ".key");
        Path extensions = writeExtensions(fileName, List.of(
                "basicConstraints = critical, CA:TRUE",
                "keyUsage = critical, keyCertSign, cRLSign",
                "subjectKeyIdentifier = hash"));
        openssl("req", "-x509", "-new", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
                "-subj", subject(commonName), "-keyout", key.toString(), "-out", certificate.toString(),
                "-extensions", "v3_ext", "-config", extensions.toString());
        restrictToOwner(key);
        return new Authority(certificate, key);
    }

    /**
     * Makes a server certificate signed by {@code issuer}, with {@code CN=<first name>} and every name as a
     * subject alternative name.
     *
     * @param issuer           the authority that signs it
     * @param fileName         base name of the files: lower-case letters, digits and dashes
     * @param subjectAltNames  entries in OpenSSL's syntax, such as {@code DNS:localhost} and {@code IP:127.0.0.1};
     *                         at least one
     * @return the certificate and key paths
     * @throws IllegalArgumentException when no name is given
     * @throws IllegalStateException    when {@code openssl} fails, with its output
     */
    public ServerCertificate server(Authority issuer, String fileName, List<String> subjectAltNames) {
        if (subjectAltNames.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one subject alternative name");
        }
        String commonName = subjectAltNames.get(0).substring(subjectAltNames.get(0).indexOf(':') + 1);
        Path key = file(fileName, ".key");
        Path certificate = file(fileName, ".crt");
        sign(issuer, fileName, commonName, key, certificate, List.of(
                "basicConstraints = critical, CA:FALSE",
                "keyUsage = critical, digitalSignature, keyEncipherment",
                "extendedKeyUsage = serverAuth",
                "subjectAltName = " + String.join(", ", subjectAltNames)));
        return new ServerCertificate(certificate, key);
    }

    /**
     * Makes a client certificate signed by {@code issuer} with subject {@code CN=<commonName>}; PostgreSQL's
     * {@code cert} authentication takes the common name as the role name.
     *
     * @param issuer      the authority that signs it
     * @param fileName    base name of the files: lower-case letters, digits and dashes
     * @param commonName  the role name
     * @return the certificate path and the key in PEM and in PKCS-8 DER
     * @throws IllegalStateException when {@code openssl} fails, with its output
     */
    public ClientCertificate client(Authority issuer, String fileName, String commonName) {
        Path key = file(fileName, ".key");
        Path certificate = file(fileName, ".crt");
        Path pk8 = file(fileName, ".pk8");
        sign(issuer, fileName, commonName, key, certificate, List.of(
                "basicConstraints = critical, CA:FALSE",
                "keyUsage = critical, digitalSignature, keyEncipherment",
                "extendedKeyUsage = clientAuth"));
        openssl("pkcs8", "-topk8", "-nocrypt", "-inform", "PEM", "-outform", "DER",
                "-in", key.toString(), "-out", pk8.toString());
        restrictToOwner(pk8);
        return new ClientCertificate(certificate, key, pk8);
    }

    /** Deletes the directory and every file in it. Idempotent. */
    @Override
    public void close() {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + directory, e);
        }
    }

    @Override
    public String toString() {
        return "TestCertificates[" + directory + "]";
    }

    private void sign(Authority issuer, String fileName, String commonName, Path key, Path certificate,
                      List<String> extensionLines) {
        Path request = file(fileName, ".csr");
        openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-sha256", "-subj", subject(commonName),
                "-keyout", key.toString(), "-out", request.toString());
        restrictToOwner(key);
        Path extensions = writeExtensions(fileName, extensionLines);
        // A random serial rather than -CAcreateserial: no serial file to share between calls.
        String serial = Long.toString(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
        openssl("x509", "-req", "-sha256", "-days", "2", "-in", request.toString(),
                "-CA", issuer.certificate().toString(), "-CAkey", issuer.key().toString(), "-set_serial", serial,
                "-extfile", extensions.toString(), "-extensions", "v3_ext", "-out", certificate.toString());
    }

    /**
     * An OpenSSL configuration file with the extensions in section {@code v3_ext}; {@code req -x509} also
     * needs a {@code [req]} section with a distinguished-name section, even though {@code -subj} gives the name.
     */
    private Path writeExtensions(String fileName, List<String> lines) {
        List<String> config = new ArrayList<>(List.of(
                "[req]", "distinguished_name = dn", "[dn]", "[v3_ext]"));
        config.addAll(lines);
        Path path = file(fileName, ".cnf");
        try {
            Files.write(path, config, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + path, e);
        }
        return path;
    }

    private Path file(String fileName, String extension) {
        Objects.requireNonNull(fileName, "fileName");
        if (!SAFE_FILE_NAME.matcher(fileName).matches()) {
            throw new IllegalArgumentException("fileName must be lower-case letters, digits and dashes: " + fileName);
        }
        return directory().resolve(fileName + extension);
    }

    private static String subject(String commonName) {
        Objects.requireNonNull(commonName, "commonName");
        if (commonName.contains("/") || commonName.contains("=")) {
            throw new IllegalArgumentException("commonName must not contain '/' or '=': " + commonName);
        }
        return "/CN=" + commonName;
    }

    private static void restrictToOwner(Path key) {
        try {
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not make " + key + " readable by its owner only", e);
        }
    }

    private static void requireOpenssl() {
        try {
            openssl("version");
        } catch (IllegalStateException e) {
            throw new IllegalStateException("openssl is needed to make the TLS test certificates but does not run ("
                    + e.getMessage() + "); install it: " + INSTALL_COMMAND, e);
        }
    }

    private static void openssl(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(arguments));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("openssl is not installed or not on the PATH; install it: "
                    + INSTALL_COMMAND, e);
        }
        try {
            process.getOutputStream().close();
            // Read before waiting, so that a chatty openssl cannot block on a full pipe.
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(OPENSSL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("openssl did not finish within " + OPENSSL_TIMEOUT_SECONDS
                        + " s: " + String.join(" ", command));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("openssl failed with exit code " + process.exitValue() + ": "
                        + String.join(" ", command) + "\n" + output.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the output of " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running openssl", e);
        }
    }
}
