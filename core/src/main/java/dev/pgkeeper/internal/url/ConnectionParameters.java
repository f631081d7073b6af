package dev.pgkeeper.internal.url;

import dev.pgkeeper.internal.url.ConnectionUrl.Form;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What pgkeeper knows about the parameters in a database URL's query string: which values are valid,
 * which libpq parameters are ignored, and how the rest become pgjdbc connection properties. Which carry
 * secrets is {@link SecretMasker#isSecretName}'s to say.
 *
 * <p>Stateless and thread-safe.
 */
final class ConnectionParameters {

    /** sslmode values; libpq and pgjdbc accept the same ones, case-sensitively. */
    static final List<String> SSL_MODES = List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    private static final List<String> TARGET_SESSION_ATTRS =
            List.of("any", "read-write", "read-only", "primary", "standby", "prefer-standby");

    private static final List<String> TARGET_SERVER_TYPES = List.of(
            "any", "primary", "master", "slave", "secondary", "preferSlave", "preferSecondary", "preferPrimary");

    private static final List<String> KEEPALIVES = List.of("0", "1");

    /** libpq parameters with a pgjdbc equivalent; see {@link #driverProperties}. */
    private static final Set<String> TRANSLATED_LIBPQ = Set.of(
            "sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword", "target_session_attrs", "connect_timeout",
            "application_name", "options", "keepalives", "gssencmode", "channel_binding");

    /** libpq parameters (PostgreSQL 18) that pgkeeper does not pass on; told apart from typos in warnings. */
    private static final Set<String> IGNORED_LIBPQ = Set.of(
            "passfile", "service", "requiressl", "require_auth", "client_encoding", "fallback_application_name",
            "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout", "replication",
            "sslnegotiation", "sslcompression", "sslkeylogfile", "sslcertmode", "sslcrl", "sslcrldir", "sslsni",
            "requirepeer", "ssl_min_protocol_version", "ssl_max_protocol_version", "min_protocol_version",
            "max_protocol_version", "krbsrvname", "gsslib", "gssdelegation", "load_balance_hosts",
            "oauth_issuer", "oauth_client_id", "oauth_client_secret", "oauth_scope");

    private ConnectionParameters() {
    }

    /**
     * Checks the value of a parameter whose values pgkeeper knows.
     *
     * @return an error message naming the parameter, the value and the allowed values, or empty when
     *         the value is fine or the parameter is not checked
     */
    static Optional<String> invalidValue(Form form, String name, String value) {
        if (name.equals("sslmode")) {
            return oneOf(name, value, SSL_MODES);
        }
        if (form == Form.LIBPQ) {
            return switch (name) {
                case "target_session_attrs" -> oneOf(name, value, TARGET_SESSION_ATTRS);
                case "keepalives" -> oneOf(name, value, KEEPALIVES);
                case "connect_timeout" -> isNonNegativeInt(value) ? Optional.empty() : Optional.of(
                        "Parameter connect_timeout has the value " + MessageText.quote(value) + ", which is not "
                                + "valid; use a whole number of seconds from 0 to " + Integer.MAX_VALUE
                                + " (0 waits forever).");
                default -> Optional.empty();
            };
        }
        return name.equals("targetServerType") ? oneOf(name, value, TARGET_SERVER_TYPES) : Optional.empty();
    }

    /**
     * Says whether a parameter will be ignored. In the libpq form every parameter without a pgjdbc
     * equivalent is; in the JDBC form none is, because pgjdbc receives them all unchanged.
     *
     * @return a warning naming the parameter and what to do instead, or empty when it is used
     */
    static Optional<String> ignored(Form form, String name) {
        if (form == Form.JDBC || TRANSLATED_LIBPQ.contains(name)) {
            return Optional.empty();
        }
        String parameter = "Parameter " + MessageText.quote(name);
        return Optional.of(switch (name) {
            case "requiressl" -> parameter + " is deprecated and ignored; use sslmode=require instead.";
            case "passfile" -> parameter + " is ignored because pgkeeper does not read password files; put the "
                    + "password in the URL or the configuration.";
            case "service" -> parameter + " is ignored because pgkeeper does not read connection service files; "
                    + "write the host, port and database into the URL.";
            default -> IGNORED_LIBPQ.contains(name)
                    ? parameter + " is a libpq setting that pgkeeper does not pass to pgjdbc, so it is ignored; "
                            + "remove it, or use a jdbc:postgresql:// URL with the matching pgjdbc property."
                    : parameter + " is not a libpq connection parameter, so it is ignored; check its spelling "
                            + "(pgjdbc property names belong in a jdbc:postgresql:// URL).";
        });
    }

    /**
     * Turns URL parameters into pgjdbc connection properties. In the JDBC form they pass through
     * unchanged; in the libpq form each one with a pgjdbc equivalent is renamed (and its value
     * converted where pgjdbc expects another format), and ignored ones are dropped.
     *
     * @param parameters valid parameters, without user, password and dbname
     * @return the properties in parameter order; unmodifiable
     */
    static Map<String, String> driverProperties(Form form, Map<String, String> parameters) {
        Map<String, String> properties = new LinkedHashMap<>();
        if (form == Form.JDBC) {
            properties.putAll(parameters);
        } else {
            parameters.forEach((name, value) -> translateLibpq(name, value, properties));
        }
        return Collections.unmodifiableMap(properties);
    }

    private static void translateLibpq(String name, String value, Map<String, String> properties) {
        switch (name) {
            case "sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword", "options" -> properties.put(name, value);
            case "target_session_attrs" -> properties.put("targetServerType", targetServerType(value));
            case "connect_timeout" -> {
                // libpq's one timeout covers both the TCP connect and the whole login; pgjdbc splits them.
                String seconds = Integer.toString(Integer.parseInt(value));
                properties.put("connectTimeout", seconds);
                properties.put("loginTimeout", seconds);
            }
            case "application_name" -> properties.put("ApplicationName", value);
            case "keepalives" -> properties.put("tcpKeepAlive", Boolean.toString(value.equals("1")));
            case "gssencmode" -> properties.put("gssEncMode", value);
            case "channel_binding" -> properties.put("channelBinding", value);
            default -> {
                // Ignored parameter: the parser has already warned about it.
            }
        }
    }

    private static String targetServerType(String targetSessionAttrs) {
        return switch (targetSessionAttrs) {
            case "read-write", "primary" -> "primary";
            case "read-only", "standby" -> "secondary";
            case "prefer-standby" -> "preferSecondary";
            default -> "any";
        };
    }

    private static Optional<String> oneOf(String name, String value, List<String> allowed) {
        return allowed.contains(value) ? Optional.empty() : Optional.of("Parameter " + name + " has the value "
                + MessageText.quote(value) + ", which is not valid; use one of " + String.join(", ", allowed) + ".");
    }

    private static boolean isNonNegativeInt(String value) {
        if (value.isEmpty() || value.length() > 10 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        return Long.parseLong(value) <= Integer.MAX_VALUE;
    }
}
