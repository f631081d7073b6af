package dev.pgkeeper.internal.errors;

import dev.pgkeeper.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The words of a categorized error: a one-line headline naming where it happened, and concrete
 * troubleshooting steps that name the host, port, database and user of the {@link ConnectionTarget}
 * (or say where to find them when the target is unknown) and the objects the server named.
 *
 * <p>The texts are built from the target and the object names the server reported, neither of which
 * holds a password; the caller still masks them. Stateless and thread-safe.
 */
final class TroubleshootingGuide {

    /** PostgreSQL folds unquoted identifiers to lower case; anything else needs double quotes in SQL. */
    private static final Pattern PLAIN_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_$]*");

    private TroubleshootingGuide() {
    }

    /**
     * A short sentence saying what failed and where, without a final period, for example
     * {@code "Connection to db1:5432 (database orders) failed"}.
     */
    static String headline(ErrorCode code, ConnectionTarget target) {
        Place at = Place.of(target);
        return switch (code) {
            case NETWORK_ERROR -> "Connection to " + at.where() + " failed";
            case POOL_EXHAUSTED -> "No connection to " + at.where() + " was available";
            case DNS_ERROR -> "Could not resolve the host name of " + at.where();
            case AUTH_FAILED -> "Authentication " + at.forUser() + "was rejected by " + at.where();
            case DATABASE_NOT_FOUND -> at.database() == null
                    ? "The database does not exist on " + at.where()
                    : "Database " + at.database() + " does not exist on " + at.serverOrDefault();
            case SSL_ERROR -> "Could not set up SSL/TLS with " + at.where();
            case SCHEMA_ERROR -> "The SQL does not match the schema of " + at.where();
            case PERMISSION_DENIED -> "Permission denied " + at.forUser() + "on " + at.where();
            case SERIALIZATION_FAILURE -> "A transaction on " + at.where() + " could not be serialized";
            case DEADLOCK_DETECTED -> "A deadlock was detected on " + at.where();
            case QUERY_CANCELED -> "A statement on " + at.where() + " was canceled";
            case READ_ONLY_TRANSACTION -> "A write was rejected as read-only by " + at.where();
            case UNIQUE_VIOLATION -> "A unique constraint was violated on " + at.where();
            case FOREIGN_KEY_VIOLATION -> "A foreign-key constraint was violated on " + at.where();
            case CHECK_VIOLATION -> "A check constraint was violated on " + at.where();
            case NOT_NULL_VIOLATION -> "A NOT NULL constraint was violated on " + at.where();
            case CONSTRAINT_VIOLATION -> "An integrity constraint was violated on " + at.where();
            case DATA_ERROR -> "A value was rejected by " + at.where();
            case CONFIGURATION_ERROR -> "The configuration for " + at.where() + " is invalid";
            case NOT_INITIALIZED -> "pgkeeper is not connected to " + at.where();
            case UNKNOWN_ERROR -> "A database operation on " + at.where() + " failed";
        };
    }

    /**
     * Steps for a server whose TLS works but whose certificate was not accepted: the trusted CA and the names in the
     * certificate first.
     */
    static List<String> certificateSteps(ConnectionTarget target) {
        Place at = Place.of(target);
        return List.of(
                "Set sslrootcert in DATABASE_URL to the CA that signed the certificate of " + at.hostNamesOrDefault()
                        + ", and check that the certificate has not expired: openssl s_client -starttls postgres -connect "
                        + at.firstHostPort() + " -showcerts",
                "With sslmode=verify-full the host name in DATABASE_URL must be one of the certificate's names (DNS or"
                        + " IP subject alternative names): connect by a name it lists, or have the certificate reissued.",
                "verify-ca checks the CA only, require encrypts without checking the certificate; use them only where"
                        + " that is acceptable.");
    }

    /**
     * A wrong password (28P01) is the likely case, so its step comes first; a refusal by pg_hba.conf or for a missing
     * client certificate (28000), or the client's own refusal to authenticate without TLS (channel binding, 08004),
     * puts the pg_hba.conf and TLS steps first.
     */
    private static List<String> authSteps(Place at, ConnectionTarget target, String sqlState) {
        String password = target.passwordSource() == null || target.passwordSource().equals("DATABASE_URL")
                ? "Check the password " + at.forUser() + "in DATABASE_URL; percent-encode @, :, / and % in it."
                : "Check the password " + at.forUser() + "that " + target.passwordSource() + " gives; if it"
                        + " was just rotated, check that the role's password on the server was changed to the same.";
        String role = "Check that the role exists and may log in: SELECT rolname, rolcanlogin, rolvaliduntil "
                + "FROM pg_roles WHERE rolname = " + at.userLiteral() + ";";
        String hba = "Check pg_hba.conf on " + at.hostNamesOrDefault() + " for a line that lets " + at.userOrDefault()
                + " reach " + at.databasePhrase()
                + " from this machine's address with your method (scram-sha-256, md5, cert), "
                + "then run SELECT pg_reload_conf();";
        String tls = "If pg_hba.conf requires SSL (hostssl) or a client certificate for this user, set sslmode and "
                + "sslcert/sslkey in DATABASE_URL; channel_binding=require needs sslmode=require or stricter.";
        return "28P01".equals(sqlState) || sqlState == null
                ? List.of(password, role, hba, tls)
                : List.of(hba, tls, role, password);
    }

    /**
     * Two to five concrete steps for {@code code}, most likely fix first.
     *
     * @param sqlState the SQLState of the failure, or {@code null}
     * @param fields   the objects the server named, {@link ServerErrorFields#NONE} when none
     */
    static List<String> steps(ErrorCode code, ConnectionTarget target, String sqlState, ServerErrorFields fields) {
        Place at = Place.of(target);
        return switch (code) {
            case NETWORK_ERROR -> List.of(
                    "Check that PostgreSQL is running and listening on " + at.hostsOrDefault()
                            + " (" + at.pgIsReady() + ").",
                    "Check that no firewall, security group or proxy blocks " + at.portsPhrase()
                            + " between this machine and " + at.hostNamesOrDefault() + ".",
                    "On the server, check listen_addresses and port in postgresql.conf (listen_addresses = '*' "
                            + "or an address reachable from here) and restart PostgreSQL after changing them.",
                    "If the server was restarting or failing over, retry later; if connecting is merely slow, "
                            + "raise DB_CONNECTION_TIMEOUT (milliseconds).");
            case DNS_ERROR -> List.of(
                    "Check " + at.hostNamesPhrase() + " in DATABASE_URL for typos.",
                    "Check that it resolves from this machine: " + at.lookupCommand() + ".",
                    "In Docker or Kubernetes, use the service name visible from this container's network, "
                            + "and check that the database service exists.",
                    "If resolution fails only now and then, check /etc/resolv.conf and the JVM's DNS cache "
                            + "(networkaddress.cache.negative.ttl).");
            case AUTH_FAILED -> authSteps(at, target, sqlState);
            case DATABASE_NOT_FOUND -> List.of(
                    "Create the database on " + at.hostsOrDefault() + ": CREATE DATABASE "
                            + at.databaseIdentifier() + ";",
                    "Or fix the database name in DATABASE_URL (the path after the host); names created with "
                            + "quotes are case-sensitive.",
                    "List the databases that exist: psql " + at.psqlConnectOptions() + " -l");
            case SSL_ERROR -> List.of(
                    "If " + at.hostNamesOrDefault() + " should accept SSL, turn it on: ssl = on with ssl_cert_file "
                            + "and ssl_key_file in postgresql.conf, then reload.",
                    "Otherwise make sslmode in DATABASE_URL match the server: disable or prefer for a server "
                            + "without SSL, require to encrypt without checking the certificate, verify-full to "
                            + "check it.",
                    "For verify-ca and verify-full, set sslrootcert to the CA that signed the server "
                            + "certificate, and check that the certificate names " + at.hostNamesOrDefault()
                            + " and has not expired.",
                    "If the handshake fails without a certificate error, compare the TLS versions and ciphers "
                            + "of the server (ssl_min_protocol_version) and the JVM (jdk.tls.disabledAlgorithms).");
            case POOL_EXHAUSTED -> List.of(
                    "Look for connections that are never returned: close every Connection and SqlSession with "
                            + "try-with-resources; HikariCP's leakDetectionThreshold logs where a leaked one was "
                            + "taken.",
                    "If the load is real, raise DB_POOL_SIZE or DB_CONNECTION_TIMEOUT, and keep slow queries and "
                            + "long transactions off busy paths.",
                    "If the server said too many clients (53300), compare max_connections on "
                            + at.hostNamesOrDefault() + " (SHOW max_connections;) with the pool sizes of all "
                            + "application instances together.",
                    "See who holds connections: SELECT usename, application_name, state, query_start, query "
                            + "FROM pg_stat_activity WHERE datname = " + at.databaseLiteral() + ";");
            case SCHEMA_ERROR -> List.of(
                    "Run the database migrations against " + at.databasePhrase() + " on "
                            + at.hostsOrDefault() + " so that the schema matches this version of the application.",
                    "Check the table, column and function names in the SQL or mapper" + mention(fields)
                            + "; unquoted names are folded to lower case.",
                    "Check the search_path " + at.forUser() + "(SHOW search_path;): the objects may be in "
                            + "another schema.",
                    "For a syntax error (42601), check the statement near the position the server reported.");
            case PERMISSION_DENIED -> List.of(
                    "Grant the missing privilege to " + at.userIdentifier() + ", e.g. GRANT SELECT, INSERT, "
                            + "UPDATE, DELETE ON " + tableOr(fields, "ALL TABLES IN SCHEMA public") + " TO "
                            + at.userIdentifier() + ";",
                    "Check who owns the object and what is granted: \\dp " + tableOr(fields, "<table>") + " in psql.",
                    "Check that the application connects as the intended role (" + at.userOrDefault() + ").");
            case SERIALIZATION_FAILURE -> List.of(
                    "Run the whole transaction again from its first statement: PostgreSQL expects serializable "
                            + "and repeatable-read transactions to be retried.",
                    "Keep these transactions short and touch rows in the same order to make conflicts rarer.",
                    "If retries pile up, check whether this work on " + at.databasePhrase()
                            + " needs SERIALIZABLE at all.");
            case DEADLOCK_DETECTED -> List.of(
                    "Run the whole transaction again: PostgreSQL has already rolled it back.",
                    "Lock rows and tables in the same order in every transaction (for example, update rows sorted "
                            + "by id), and keep transactions short.",
                    "The server log on " + at.hostNamesOrDefault() + " shows both sides of the deadlock; "
                            + "log_lock_waits = on shows the waits that lead to it.");
            case QUERY_CANCELED -> List.of(
                    "If statement_timeout canceled it, make the statement faster (EXPLAIN ANALYZE, indexes) or "
                            + "raise statement_timeout " + at.forUser() + "(SHOW statement_timeout;).",
                    "Check for a client-side timeout that cancels statements (JDBC setQueryTimeout, "
                            + "MyBatis defaultStatementTimeout) or a pg_cancel_backend call.",
                    "Check for lock waits in " + at.databasePhrase() + ": SELECT pid, query FROM pg_stat_activity "
                            + "WHERE wait_event_type = 'Lock';");
            case READ_ONLY_TRANSACTION -> List.of(
                    "The server at " + at.hostsOrDefault() + " is a read-only standby or the transaction is READ "
                            + "ONLY; after a failover, connect to the new primary.",
                    "With several hosts in DATABASE_URL, add target_session_attrs=read-write "
                            + "(JDBC: targetServerType=primary) so that only the primary is used.",
                    "Check default_transaction_read_only " + at.forUser() + "on " + at.databasePhrase()
                            + " (SHOW default_transaction_read_only;) and that the code does not open a read-only "
                            + "transaction for writing.");
            case UNIQUE_VIOLATION -> List.of(
                    "Report the conflict to the user: a row with the same key already exists" + mention(fields) + ".",
                    "To insert or update in one statement, use INSERT ... ON CONFLICT "
                            + conflictTarget(fields) + " DO UPDATE (or DO NOTHING).",
                    "Do not retry unchanged: the same values fail again.");
            case FOREIGN_KEY_VIOLATION -> List.of(
                    "A referenced row is missing or still referenced" + mention(fields)
                            + ": insert the parent row first, or delete the referencing rows first.",
                    "Check the order of the statements inside the transaction.",
                    "Do not retry unchanged: the same values fail again.");
            case CHECK_VIOLATION -> List.of(
                    "Validate the value before writing and report it to the user" + mention(fields) + ".",
                    "Read the constraint's definition: \\d " + tableOr(fields, "<table>") + " in psql.");
            case NOT_NULL_VIOLATION -> List.of(
                    "Set a value for " + columnOr(fields, "the column")
                            + (fields.table() == null ? "" : " of table " + fields.qualifiedTable())
                            + " in the INSERT or UPDATE, or give the column a default.",
                    "If a mapper writes it, check that the #{...} parameter is not null.");
            case CONSTRAINT_VIOLATION -> List.of(
                    "Report the conflict to the user: an integrity constraint rejected the row" + mention(fields) + ".",
                    "Read the constraint's definition: \\d " + tableOr(fields, "<table>") + " in psql.");
            case DATA_ERROR -> List.of(
                    "Validate input before sending it: a value has bad syntax, is out of range or too long, "
                            + "or divides by zero.",
                    "Check that Java types match the column types (e.g. bind a java.util.UUID to a uuid column, "
                            + "or add stringtype=unspecified to DATABASE_URL for strings).",
                    "Do not retry unchanged: the same values fail again.");
            case CONFIGURATION_ERROR -> List.of(
                    "Fix every problem listed in the message; each one names its variable.",
                    "Compare DATABASE_URL and the DB_* variables with the documented formats and defaults.");
            case NOT_INITIALIZED -> List.of(
                    "Call initializeConnection() before using the database.",
                    "Do not use the client after disconnect(); call reconnect() instead.");
            case UNKNOWN_ERROR -> unknownSteps(at, sqlState);
        };
    }

    /**
     * The headline for a refused startup parameter, for example {@code "The connection pooler or server at
     * db1:6432 (database orders) refused the startup parameter options"}.
     */
    static String headline(RejectedStartupParameter rejected, ConnectionTarget target) {
        return "The connection pooler or server at " + Place.of(target).where() + " refused "
                + (rejected.parameter() == null ? "" : "the startup parameter ") + rejected.describe();
    }

    /**
     * Steps for a refused startup parameter, most likely fix first: for {@code options}, which pgkeeper sends
     * only for {@code DB_STATEMENT_TIMEOUT}, unsetting that; removing the parameter from the URL; letting
     * PgBouncer ignore it; or bypassing the pooler.
     */
    static List<String> steps(RejectedStartupParameter rejected, ConnectionTarget target) {
        Place at = Place.of(target);
        String parameter = rejected.parameter() == null ? "<parameter>" : rejected.parameter();
        List<String> steps = new ArrayList<>();
        if (rejected.isOptions()) {
            String statementTimeout = "If DB_STATEMENT_TIMEOUT (builder statementTimeout) is set, unset it or set it "
                    + "to 0: pgkeeper sends it in the startup parameter options (-c statement_timeout=...). Put the "
                    + "limit on the role instead: ALTER ROLE " + at.userIdentifier() + " SET statement_timeout = '30s';";
            String url = "If DATABASE_URL has an options=... parameter, remove it and set those settings on the role "
                    + "or the database instead (ALTER ROLE ... SET ..., ALTER DATABASE ... SET ...).";
            boolean fromStatementTimeout = rejected.setting() == null || rejected.setting().equals("statement_timeout");
            steps.add(fromStatementTimeout ? statementTimeout : url);
            steps.add(fromStatementTimeout ? url : statementTimeout);
        } else {
            steps.add("If DATABASE_URL sets " + parameter + ", or a pgjdbc property that sends it (currentSchema "
                    + "is sent as search_path), remove it and set the value on the role instead (ALTER ROLE "
                    + at.userIdentifier() + " SET ...).");
        }
        String ignored = rejected.setting() != null ? rejected.setting() : parameter;
        String list = ignored.equals("extra_float_digits") ? ignored : "extra_float_digits," + ignored;
        steps.add("Or let PgBouncer on " + at.hostNamesOrDefault() + " drop it: add " + ignored
                + (rejected.setting() != null ? " (or options, to drop every setting in it)" : "")
                + " to ignore_startup_parameters in pgbouncer.ini, e.g. ignore_startup_parameters = " + list
                + " (pgjdbc always sends extra_float_digits), and reload PgBouncer (RELOAD; on its admin "
                + "console); the server's own settings then apply.");
        steps.add("Or point DATABASE_URL at PostgreSQL itself instead of the pooler; the server accepts "
                + rejected.describe() + " if it knows the setting.");
        return List.copyOf(steps);
    }

    private static List<String> unknownSteps(Place at, String sqlState) {
        List<String> steps = new ArrayList<>();
        steps.add("Read the cause of this error (getCause()) for the underlying failure"
                + (sqlState == null ? "." : "; its SQLState is " + sqlState + "."));
        if (sqlState != null) {
            steps.add("Look up SQLState " + sqlState + " in PostgreSQL's \"Error Codes\" appendix.");
        }
        steps.add("Check the PostgreSQL server log on " + at.hostNamesOrDefault() + " around this time.");
        return List.copyOf(steps);
    }

    /** The target in the words the texts need; every method has a wording for what is not known. */
    private record Place(ConnectionTarget target, List<HostPort> hosts) {

        static Place of(ConnectionTarget target) {
            return new Place(target, HostPort.parseAll(target.hosts()));
        }

        /** {@code "db1:5432 (database orders)"}, {@code "db1:5432"}, {@code "database orders"} or a generic phrase. */
        String where() {
            if (hosts.isEmpty()) {
                return database() == null ? "the database server" : "database " + database();
            }
            return database() == null ? target.hosts() : target.hosts() + " (database " + database() + ")";
        }

        String database() {
            return target.database();
        }

        String serverOrDefault() {
            return hosts.isEmpty() ? "the database server" : target.hosts();
        }

        String hostsOrDefault() {
            return hosts.isEmpty() ? "the host and port in DATABASE_URL" : target.hosts();
        }

        /** The first {@code host:port} of the URL, for a command line; a placeholder when not known. */
        String firstHostPort() {
            return hosts.isEmpty() ? "<host>:<port>" : target.hosts().split(",")[0];
        }

        String hostNamesOrDefault() {
            return hosts.isEmpty() ? "the database host"
                    : hosts.stream().map(HostPort::host).distinct().collect(Collectors.joining(", "));
        }

        /** {@code "TCP port 5432"}, {@code "TCP ports 5432, 5433"} or {@code "the TCP port in DATABASE_URL"}. */
        String portsPhrase() {
            List<String> ports = hosts.stream().map(HostPort::portOrDefault).distinct().toList();
            if (ports.isEmpty()) {
                return "the TCP port in DATABASE_URL";
            }
            return (ports.size() == 1 ? "TCP port " : "TCP ports ") + String.join(", ", ports);
        }

        /** {@code "the host name db1"}, {@code "the host names db1, db2"} or {@code "the host name"}. */
        String hostNamesPhrase() {
            if (hosts.isEmpty()) {
                return "the host name";
            }
            return (hosts.size() == 1 ? "the host name " : "the host names ") + hostNamesOrDefault();
        }

        String pgIsReady() {
            if (hosts.isEmpty()) {
                return "pg_isready -h <host> -p <port>";
            }
            return hosts.stream().map(h -> "pg_isready -h " + h.host() + " -p " + h.portOrDefault())
                    .collect(Collectors.joining("; "));
        }

        String lookupCommand() {
            if (hosts.isEmpty()) {
                return "getent hosts <host> or nslookup <host>";
            }
            String first = hosts.get(0).host();
            return "getent hosts " + first + " or nslookup " + first;
        }

        String psqlConnectOptions() {
            String hostOptions = hosts.isEmpty() ? "-h <host> -p <port>"
                    : "-h " + hosts.get(0).host() + " -p " + hosts.get(0).portOrDefault();
            return hostOptions + " -U " + (target.user() == null ? "<user>" : target.user());
        }

        /** {@code "database orders"} or {@code "the database in DATABASE_URL"}. */
        String databasePhrase() {
            return database() == null ? "the database in DATABASE_URL" : "database " + database();
        }

        String databaseIdentifier() {
            return database() == null ? "<name>" : identifier(database());
        }

        String databaseLiteral() {
            return database() == null ? "current_database()" : literal(database());
        }

        /** {@code "for user app "} with a trailing space, or {@code ""} when the user is not known. */
        String forUser() {
            return target.user() == null ? "" : "for user " + target.user() + " ";
        }

        String userOrDefault() {
            return target.user() == null ? "the user in DATABASE_URL" : "user " + target.user();
        }

        String userIdentifier() {
            return target.user() == null ? "<user>" : identifier(target.user());
        }

        String userLiteral() {
            return target.user() == null ? "'<user>'" : literal(target.user());
        }
    }

    /**
     * One entry of {@link ConnectionTarget#hosts()}.
     *
     * @param host host name or address, IPv6 without brackets
     * @param port port, or {@code null} when the entry has none
     */
    private record HostPort(String host, String port) {

        static List<HostPort> parseAll(String hosts) {
            if (hosts == null || hosts.isBlank() || hosts.equals(ConnectionTarget.UNKNOWN.hosts())) {
                return List.of();
            }
            List<HostPort> parsed = new ArrayList<>();
            for (String entry : hosts.split(",")) {
                String trimmed = entry.strip();
                if (!trimmed.isEmpty()) {
                    parsed.add(parse(trimmed));
                }
            }
            return List.copyOf(parsed);
        }

        private static HostPort parse(String entry) {
            if (entry.startsWith("[")) {
                int close = entry.indexOf(']');
                if (close > 0) {
                    String rest = entry.substring(close + 1);
                    return new HostPort(entry.substring(1, close), rest.startsWith(":") ? rest.substring(1) : null);
                }
            }
            int colon = entry.lastIndexOf(':');
            // More than one colon without brackets is a bare IPv6 address, not host:port.
            if (colon > 0 && entry.indexOf(':') == colon) {
                return new HostPort(entry.substring(0, colon), entry.substring(colon + 1));
            }
            return new HostPort(entry, null);
        }

        String portOrDefault() {
            return port == null || port.isEmpty() ? "5432" : port;
        }
    }

    /** {@code " (constraint users_email_key, table public.users, column email)"}, or {@code ""}. */
    private static String mention(ServerErrorFields fields) {
        List<String> parts = new ArrayList<>();
        if (fields.constraint() != null) {
            parts.add("constraint " + fields.constraint());
        }
        if (fields.table() != null) {
            parts.add("table " + fields.qualifiedTable());
        }
        if (fields.column() != null) {
            parts.add("column " + fields.column());
        }
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }

    private static String tableOr(ServerErrorFields fields, String otherwise) {
        if (fields.table() == null) {
            return otherwise;
        }
        return fields.schema() == null ? identifier(fields.table())
                : identifier(fields.schema()) + "." + identifier(fields.table());
    }

    private static String columnOr(ServerErrorFields fields, String otherwise) {
        return fields.column() == null ? otherwise : "column " + fields.column();
    }

    /** The conflict target of {@code INSERT ... ON CONFLICT} for this violation. */
    private static String conflictTarget(ServerErrorFields fields) {
        if (fields.constraint() != null) {
            return "ON CONSTRAINT " + identifier(fields.constraint());
        }
        return "(" + (fields.column() == null ? "<column>" : identifier(fields.column())) + ")";
    }

    private static String identifier(String name) {
        return PLAIN_IDENTIFIER.matcher(name).matches() ? name : "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
