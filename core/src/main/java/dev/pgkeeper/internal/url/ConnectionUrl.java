package dev.pgkeeper.internal.url;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A database URL read into its parts: the hosts to try in order, the database, the credentials and the
 * remaining query parameters, all percent-decoded. Obtain one from {@link #parse(String)}, which
 * accepts the libpq URI form ({@code postgresql://} or {@code postgres://}) and the JDBC form
 * ({@code jdbc:postgresql://}).
 *
 * <p>{@link #toString()} never shows the password; {@link #password()} does, so do not log the record's
 * components one by one. Instances are immutable and thread-safe.
 *
 * @param form       which syntax the URL was written in; decides how {@code parameters} are understood
 * @param hosts      the hosts in the order written; never empty, unmodifiable
 * @param database   the database name, or {@code null} when the URL names none (the server then uses
 *                   the user name)
 * @param user       the role name, or {@code null} when the URL names none
 * @param password   the password, or {@code null} when the URL has none
 * @param parameters the query parameters other than {@code user}, {@code password} and (libpq form)
 *                   {@code dbname}, with their names as written, in URL order; unmodifiable
 */
public record ConnectionUrl(Form form, List<HostPort> hosts, String database, String user, String password,
                            Map<String, String> parameters) {

    /** The port used when a host has none: PostgreSQL's default, 5432. */
    public static final int DEFAULT_PORT = 5432;

    /** The syntax a URL was written in. */
    public enum Form {
        /** libpq's URI form, {@code postgresql://} or {@code postgres://}; parameters have libpq names. */
        LIBPQ,
        /** pgjdbc's form, {@code jdbc:postgresql://}; parameters are pgjdbc connection properties. */
        JDBC
    }

    /**
     * One host and its port. Immutable and thread-safe.
     *
     * @param host a host name (non-ASCII names already converted to their ASCII {@code xn--} form), an IPv4
     *             address, or an IPv6 address without brackets, possibly with a zone ({@code fe80::1%eth0})
     * @param port the TCP port, 1 to 65535
     */
    public record HostPort(String host, int port) {

        /**
         * @throws NullPointerException     if {@code host} is {@code null}
         * @throws IllegalArgumentException if {@code host} is empty or {@code port} is out of range
         */
        public HostPort {
            Objects.requireNonNull(host, "host");
            if (host.isEmpty()) {
                throw new IllegalArgumentException("host must not be empty");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be from 1 to 65535, was " + port);
            }
        }

        /** {@code host:port}, with an IPv6 host in brackets: {@code db1:5432}, {@code [::1]:5433}. */
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * The outcome of {@link #parse(String)}: the URL when it is usable, and every problem found.
     * Messages say what is wrong, where and how to fix it, and never contain the password.
     * Immutable and thread-safe.
     *
     * @param url      the parsed URL, or {@code null} exactly when there are errors
     * @param errors   problems that make the URL unusable, in the order found; unmodifiable
     * @param warnings things that work but are ignored or risky, in the order found; unmodifiable
     */
    public record ParseResult(ConnectionUrl url, List<String> errors, List<String> warnings) {

        /**
         * @throws NullPointerException     if a list is {@code null}
         * @throws IllegalArgumentException if {@code url} is missing although there are no errors, or
         *                                  present although there are
         */
        public ParseResult {
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
            if ((url == null) == errors.isEmpty()) {
                throw new IllegalArgumentException("url must be present exactly when there are no errors");
            }
        }

        /** {@code true} when the URL is usable, i.e. there are no errors. */
        public boolean isValid() {
            return url != null;
        }
    }

    /**
     * @throws NullPointerException     if {@code form}, {@code hosts} or {@code parameters} is {@code null}
     * @throws IllegalArgumentException if {@code hosts} is empty
     */
    public ConnectionUrl {
        Objects.requireNonNull(form, "form");
        hosts = List.copyOf(hosts);
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("a connection URL needs at least one host");
        }
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * Reads a database URL. Never throws: any string, including {@code null}, gives a result, and the
     * same string always gives the same result.
     *
     * @param text the URL, e.g. {@code postgresql://app:p%40ss@db1:5432,db2/orders?sslmode=require}
     * @return the URL and its warnings, or the errors that make it unusable
     */
    public static ParseResult parse(String text) {
        return ConnectionUrlParser.parse(text);
    }

    /**
     * The pgjdbc connection properties the parameters stand for, without user and password (those
     * are passed separately). In the JDBC form these are the parameters as written; in the libpq form
     * they are translated, e.g. {@code target_session_attrs=read-write} becomes
     * {@code targetServerType=primary} and {@code connect_timeout=10} becomes {@code connectTimeout=10}
     * and {@code loginTimeout=10}; ignored libpq parameters are left out.
     *
     * @return property names to values, in parameter order; unmodifiable
     */
    public Map<String, String> driverProperties() {
        return ConnectionParameters.driverProperties(form, parameters);
    }

    /**
     * The URL to hand to pgjdbc: {@code jdbc:postgresql://h1:p1,h2:p2/database}, every port explicit, the
     * database percent-encoded so that pgjdbc decodes it back exactly, and an empty database name when
     * there is none. Carries no user, password or parameters: pass {@link #driverProperties()} and the
     * credentials as properties, where they cannot leak through a logged URL.
     */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + hostList() + "/" + (database == null ? "" : PercentEncoding.encode(database));
    }

    /**
     * The URL for display, in libpq form whatever form it was written in:
     * {@code postgresql://user@h1:5432,h2:5432/db?sslmode=require}. The password is left out entirely and
     * secret parameter values (such as {@code sslpassword}) are shown as {@value SecretMasker#MASK}, by the same rule {@link SecretMasker} uses.
     */
    public String sanitized() {
        StringBuilder url = new StringBuilder("postgresql://");
        if (user != null) {
            url.append(PercentEncoding.encode(user)).append('@');
        }
        // In a URL the '%' that starts an IPv6 zone must itself be escaped.
        url.append(hostList().replace("%", "%25"));
        if (database != null) {
            url.append('/').append(PercentEncoding.encode(database));
        }
        if (!parameters.isEmpty()) {
            url.append('?').append(parameters.entrySet().stream()
                    .map(parameter -> PercentEncoding.encode(parameter.getKey()) + "=" + displayValue(parameter))
                    .collect(Collectors.joining("&")));
        }
        return url.toString();
    }

    /** The hosts for messages: {@code db1:5432,[::1]:5433}. */
    public String hostList() {
        return hosts.stream().map(HostPort::toString).collect(Collectors.joining(","));
    }

    /** The form and the {@linkplain #sanitized() sanitized} URL; says whether there is a password but never shows it. */
    @Override
    public String toString() {
        return "ConnectionUrl[form=" + form + ", url=" + sanitized()
                + ", password=" + (password == null ? "none" : SecretMasker.MASK) + "]";
    }

    private static String displayValue(Map.Entry<String, String> parameter) {
        return SecretMasker.isSecretName(parameter.getKey())
                ? SecretMasker.MASK : PercentEncoding.encode(parameter.getValue());
    }
}
