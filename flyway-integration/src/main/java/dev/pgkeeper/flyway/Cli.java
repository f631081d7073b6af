package dev.pgkeeper.flyway;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.ConnectionResult;
import dev.pgkeeper.DatabaseConfig;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line: {@code java -jar pgkeeper-flyway-<version>-cli.jar migrate|info|validate}, configured by the
 * environment, for a container's init step or a deployment script.
 *
 * <p>Environment: {@code DATABASE_URL} (required) and the other {@code DB_*} variables of
 * {@link DatabaseConfig#fromEnvironment()} (so {@code DB_MAX_RETRIES} and {@code DB_RETRY_BASE_DELAY} decide how
 * long it waits for the database), plus {@value #LOCATIONS}: comma-separated Flyway locations, default
 * {@value PgkeeperFlyway#DEFAULT_LOCATION} ({@code filesystem:/migrations} for a directory).
 *
 * <p>It prints what it did in plain lines on standard output, and a failure as its code, message and
 * troubleshooting steps on standard error, never with a password or a stack trace (a stack trace only for a bug:
 * an exception that is not a {@link DatabaseError}). Exit codes:
 * <ul>
 *   <li>{@value #OK}: done;</li>
 *   <li>{@value #MIGRATION_FAILED}: the migrations are at fault ({@code SCHEMA_ERROR}: a failed migration,
 *       validation, checksum), or another failure while running them (privileges, lock timeout, ...);</li>
 *   <li>{@value #CONFIGURATION_ERROR}: bad usage or configuration ({@code CONFIGURATION_ERROR}: no or a bad
 *       {@code DATABASE_URL}, a bad {@code DB_*} value, an unknown command);</li>
 *   <li>{@value #DATABASE_UNAVAILABLE}: the database could not be reached or refused the login
 *       ({@code NETWORK_ERROR} after the retries, {@code DNS_ERROR}, {@code AUTH_FAILED},
 *       {@code DATABASE_NOT_FOUND}, {@code SSL_ERROR}, {@code POOL_EXHAUSTED}).</li>
 * </ul>
 */
public final class Cli {

    /** The environment variable with the migration locations, comma-separated. */
    public static final String LOCATIONS = "FLYWAY_LOCATIONS";
    /** Exit code: done. */
    public static final int OK = 0;
    /** Exit code: the migrations failed or are invalid. */
    public static final int MIGRATION_FAILED = 1;
    /** Exit code: bad usage or configuration. */
    public static final int CONFIGURATION_ERROR = 2;
    /** Exit code: the database could not be reached or refused the login. */
    public static final int DATABASE_UNAVAILABLE = 3;

    private static final String NAME = "pgkeeper-flyway";
    private static final Set<ErrorCode> UNAVAILABLE = EnumSet.of(ErrorCode.NETWORK_ERROR, ErrorCode.DNS_ERROR,
            ErrorCode.AUTH_FAILED, ErrorCode.DATABASE_NOT_FOUND, ErrorCode.SSL_ERROR, ErrorCode.POOL_EXHAUSTED);
    private static final List<String> COMMANDS = List.of("migrate", "info", "validate");

    private Cli() {
    }

    /**
     * Runs one command and exits the JVM with its exit code.
     *
     * @param args {@code migrate}, {@code info} or {@code validate}
     */
    public static void main(String[] args) {
        quietLogging();
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** Runs one command with {@code env} as the environment; returns the exit code. For tests and embedding. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.length != 1 || !COMMANDS.contains(args[0])) {
            err.println(NAME + ": " + (args.length == 0 ? "no command" : "unknown arguments " + Arrays.toString(args)));
            err.println("Usage: java -jar pgkeeper-flyway-<version>-cli.jar migrate|info|validate");
            err.println("  Environment: DATABASE_URL (required), DB_* as for pgkeeper, " + LOCATIONS
                    + " (comma-separated, default " + PgkeeperFlyway.DEFAULT_LOCATION + ")");
            err.println("  Exit codes: 0 done, 1 migrations failed or invalid, 2 usage or configuration,"
                    + " 3 database unreachable or login refused");
            return CONFIGURATION_ERROR;
        }
        String command = args[0];
        DatabaseConfig config;
        String[] locations;
        try {
            config = DatabaseConfig.fromMap(env);
            locations = locations(env.get(LOCATIONS));
        } catch (DatabaseError e) {
            return fail(err, command, e);
        }
        out.println(NAME + " " + command + ": " + config.url() + " (locations: " + String.join(",", locations) + ")");
        try (ConnectionManager manager = ConnectionManager.create(config)) {
            ConnectionResult connected = manager.initializeConnection();
            if (!connected.success()) {
                err.println(NAME + " " + command + ": no connection after " + connected.attempts() + " attempt(s)");
                return fail(err, command, connected.error());
            }
            out.println("Connected after " + connected.attempts() + " attempt(s)");
            PgkeeperFlyway flyway = PgkeeperFlyway.builder(manager).locations(locations).build();
            switch (command) {
                case "migrate" -> print(out, flyway.migrate());
                case "info" -> print(out, flyway.info());
                default -> print(out, flyway.validate());
            }
            return OK;
        } catch (DatabaseError e) {
            return fail(err, command, e);
        } catch (RuntimeException e) {
            // Not categorized: a bug, so the stack trace helps.
            err.println(NAME + " " + command + " failed unexpectedly: " + e);
            e.printStackTrace(err);
            return MIGRATION_FAILED;
        }
    }

    private static String[] locations(String value) {
        if (value == null || value.isBlank()) {
            return new String[] {PgkeeperFlyway.DEFAULT_LOCATION};
        }
        String[] parts = Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .toArray(String[]::new);
        if (parts.length == 0) {
            throw new DatabaseError(ErrorCode.CONFIGURATION_ERROR, LOCATIONS + " names no location: '" + value + "'",
                    List.of("Set " + LOCATIONS + " to comma-separated Flyway locations, such as"
                            + " filesystem:/migrations,classpath:db/migration, or leave it unset"), Map.of(), null);
        }
        return parts;
    }

    private static void print(PrintStream out, MigrateReport report) {
        for (AppliedMigration m : report.applied()) {
            out.println("Applied " + m.name() + " in " + m.executionTime().toMillis() + " ms");
        }
        report.warnings().forEach(w -> out.println("Warning: " + w));
        out.println("Migrated: " + report.appliedCount() + " migration(s) applied, schema version "
                + version(report.versionBefore()) + " -> " + version(report.versionAfter()));
    }

    private static void print(PrintStream out, InfoReport report) {
        for (MigrationStatus m : report.migrations()) {
            out.println(m.state() + "\t" + m.name() + (m.installedOn() == null ? "" : "\tinstalled " + m.installedOn()));
        }
        out.println("Schema version: " + version(report.currentVersion()) + ", " + report.pending().size()
                + " pending migration(s)");
    }

    private static void print(PrintStream out, ValidateReport report) {
        report.warnings().forEach(w -> out.println("Warning: " + w));
        out.println("Valid: " + report.migrationsValidated() + " migration(s) match the history");
    }

    private static String version(String v) {
        return v == null ? "none" : v;
    }

    private static int fail(PrintStream err, String command, DatabaseError e) {
        // DatabaseError's message, steps and context are free of passwords by contract.
        err.println(NAME + " " + command + " failed: " + e.code() + " (" + e.kind().name().toLowerCase(java.util.Locale.ROOT)
                + "): " + e.getMessage());
        for (String step : e.troubleshootingSteps()) {
            if (e.getMessage().contains(step)) {
                continue; // a configuration error lists its problems in the message already
            }
            err.println("  - " + step);
        }
        if (e.code() == ErrorCode.CONFIGURATION_ERROR) {
            return CONFIGURATION_ERROR;
        }
        return UNAVAILABLE.contains(e.code()) ? DATABASE_UNAVAILABLE : MIGRATION_FAILED;
    }

    /**
     * The jar has Log4j API without an implementation: log warnings and errors simply, to standard error, and not
     * the status logger's complaint that no implementation was found. Left alone when the caller set them or put
     * Log4j Core on the class path.
     */
    private static void quietLogging() {
        try {
            Class.forName("org.apache.logging.log4j.core.LoggerContext", false, Cli.class.getClassLoader());
            return; // an implementation is there (java -cp with log4j-core): its configuration decides
        } catch (ClassNotFoundException | LinkageError absent) {
            setIfAbsent("log4j2.loggerContextFactory", "org.apache.logging.log4j.simple.SimpleLoggerContextFactory");
        }
        setIfAbsent("log4j2.simplelogLevel", "WARN");
        setIfAbsent("log4j2.simplelogLogFile", "system.err");
        setIfAbsent("log4j2.simplelogShowDateTime", "false");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
