package dev.pgkeeper.flyway;

import dev.pgkeeper.ConnectionManager;
import dev.pgkeeper.ConnectionResult;
import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.flyway.internal.FlywayErrors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.api.output.ValidateResult;

/**
 * Flyway migrations on a {@link ConnectionManager}'s DataSource, so they get the application's credentials,
 * timeouts and outage handling, and every failure comes out as a categorized {@link DatabaseError}.
 *
 * <pre>{@code
 * MigrateReport report = PgkeeperFlyway.migrate(manager);                       // classpath:db/migration
 * MigrateReport report = PgkeeperFlyway.migrate(manager, "filesystem:/migrations");
 *
 * PgkeeperFlyway flyway = PgkeeperFlyway.builder(manager)
 *         .locations("classpath:db/migration")
 *         .maxWait(Duration.ofSeconds(30))
 *         .configure(c -> c.schemas("app").baselineOnMigrate(true))   // any other Flyway setting
 *         .build();
 * flyway.validate();
 * }</pre>
 *
 * <p>Each operation first waits for the database with the manager's retry policy
 * ({@link ConnectionManager#initializeConnection()}: {@code DB_MAX_RETRIES} retries, exponential backoff from
 * {@code DB_RETRY_BASE_DELAY}); when the manager is already connected that costs nothing. Unless
 * {@link Builder#configure configured} otherwise, Flyway refuses a database that has migrations this build does
 * not know ("future" migrations are not ignored), because the code would not match that schema.
 *
 * <p>Failures, all {@link DatabaseError}:
 * <ul>
 *   <li>the database or the connection at fault: the manager's own code, unchanged ({@code NETWORK_ERROR} after the
 *       retries, {@code DNS_ERROR}, {@code AUTH_FAILED}, {@code DATABASE_NOT_FOUND}, {@code SSL_ERROR},
 *       {@code PERMISSION_DENIED}, {@code POOL_EXHAUSTED}, lock and serialization failures, ...);</li>
 *   <li>the migrations at fault: {@code SCHEMA_ERROR} naming the migration(s) in the message and in the context key
 *       {@code "migration"}: a migration whose SQL failed (even with a constraint or data error), an applied
 *       migration that changed (checksum, description or type), a migration the build does not have, a pending
 *       one (for {@link #validate()}), a schema with tables but no history.</li>
 * </ul>
 *
 * <p>Instances are immutable and thread-safe; Flyway itself serializes concurrent migrations of one database with
 * a lock on its history table.
 */
public final class PgkeeperFlyway {

    /** The location used when none is given: {@value}. */
    public static final String DEFAULT_LOCATION = "classpath:db/migration";

    private final ConnectionManager manager;
    private final List<String> locations;
    private final Duration maxWait;
    private final Consumer<FluentConfiguration> customizer;

    private PgkeeperFlyway(Builder b) {
        this.manager = b.manager;
        this.locations = List.copyOf(b.locations);
        this.maxWait = b.maxWait;
        this.customizer = b.customizer;
    }

    /**
     * A builder for migrations on {@code manager}'s DataSource. The manager may still be uninitialized: every
     * operation waits for it.
     *
     * @param manager the manager whose DataSource and retry policy the migrations use
     * @return a new builder, with {@value #DEFAULT_LOCATION} as location
     * @throws NullPointerException if {@code manager} is {@code null}
     */
    public static Builder builder(ConnectionManager manager) {
        return new Builder(manager);
    }

    /**
     * Applies the pending migrations from {@code locations} ({@value #DEFAULT_LOCATION} when none is given).
     * Shorthand for {@code builder(manager).locations(locations).build().migrate()}.
     *
     * @param manager   the manager whose DataSource and retry policy the migrations use
     * @param locations Flyway locations ({@code classpath:db/migration}); none for {@value #DEFAULT_LOCATION}
     * @return what was applied; never {@code null}
     * @throws DatabaseError as described in the class description
     */
    public static MigrateReport migrate(ConnectionManager manager, String... locations) {
        return builder(manager).locations(locations).build().migrate();
    }

    /**
     * Lists the migrations of {@code locations} ({@value #DEFAULT_LOCATION} when none is given) and their state.
     * Shorthand for {@code builder(manager).locations(locations).build().info()}.
     *
     * @param manager   the manager whose DataSource and retry policy the migrations use
     * @param locations Flyway locations ({@code classpath:db/migration}); none for {@value #DEFAULT_LOCATION}
     * @return the migrations; never {@code null}
     * @throws DatabaseError as described in the class description
     */
    public static InfoReport info(ConnectionManager manager, String... locations) {
        return builder(manager).locations(locations).build().info();
    }

    /**
     * Checks the migrations of {@code locations} ({@value #DEFAULT_LOCATION} when none is given) against the history.
     * Shorthand for {@code builder(manager).locations(locations).build().validate()}.
     *
     * @param manager   the manager whose DataSource and retry policy the migrations use
     * @param locations Flyway locations ({@code classpath:db/migration}); none for {@value #DEFAULT_LOCATION}
     * @return how many migrations were checked; never {@code null}
     * @throws DatabaseError as described in the class description
     */
    public static ValidateReport validate(ConnectionManager manager, String... locations) {
        return builder(manager).locations(locations).build().validate();
    }

    /**
     * The locations migrations are read from, in order.
     *
     * @return the locations, unmodifiable; never empty
     */
    public List<String> locations() {
        return locations;
    }

    /**
     * Waits for the database, then applies the pending migrations in order, each in its own transaction (unless
     * the migration says otherwise). A second call with nothing new applies nothing.
     *
     * @return what was applied; never {@code null}
     * @throws DatabaseError as described in the class description
     */
    public MigrateReport migrate() {
        Flyway flyway = flyway();
        try {
            MigrateResult result = flyway.migrate();
            List<AppliedMigration> applied = new ArrayList<>();
            for (MigrateOutput m : result.migrations == null ? List.<MigrateOutput>of() : result.migrations) {
                applied.add(new AppliedMigration(blankToNull(m.version), Objects.toString(m.description, ""),
                        fileName(m.filepath), Duration.ofMillis(m.executionTime)));
            }
            String before = blankToNull(result.initialSchemaVersion);
            String after = blankToNull(result.targetSchemaVersion);
            // Flyway leaves the target empty when there was nothing to do: the version stayed what it was.
            return new MigrateReport(before, after == null && applied.isEmpty() ? before : after, applied,
                    result.warnings == null ? List.of() : result.warnings);
        } catch (FlywayException e) {
            throw translate(e, flyway);
        }
    }

    /**
     * Waits for the database, then lists every migration known from the locations or the history, with its state.
     *
     * @return the migrations; never {@code null}
     * @throws DatabaseError as described in the class description
     */
    public InfoReport info() {
        Flyway flyway = flyway();
        try {
            MigrationInfoService service = flyway.info();
            List<MigrationStatus> statuses = new ArrayList<>();
            for (MigrationInfo m : service.all()) {
                MigrationState state = m.getState();
                statuses.add(new MigrationStatus(m.getVersion() == null ? null : m.getVersion().getVersion(),
                        Objects.toString(m.getDescription(), ""), fileName(m.getScript()), state.getDisplayName(),
                        m.getInstalledOn() == null ? null : m.getInstalledOn().toInstant(), state.isApplied(),
                        state == MigrationState.PENDING));
            }
            MigrationInfo current = service.current();
            return new InfoReport(current == null || current.getVersion() == null ? null
                    : current.getVersion().getVersion(), statuses);
        } catch (FlywayException e) {
            throw translate(e, flyway);
        }
    }

    /**
     * Waits for the database, then checks that the applied migrations match the locations (checksums, descriptions,
     * types), that none is missing from the locations and that none is pending or failed.
     *
     * @return how many migrations were checked; never {@code null}
     * @throws DatabaseError SCHEMA_ERROR naming each invalid migration and what is wrong with it; otherwise as
     *                       described in the class description
     */
    public ValidateReport validate() {
        Flyway flyway = flyway();
        ValidateResult result;
        try {
            result = flyway.validateWithResult();
        } catch (FlywayException e) {
            throw translate(e, flyway);
        }
        if (!result.validationSuccessful) {
            throw FlywayErrors.invalid(result.invalidMigrations == null ? List.of() : result.invalidMigrations,
                    result.errorDetails == null ? "no details" : FlywayErrors.firstLine(result.errorDetails.errorMessage),
                    manager.categorize(new FlywayException("validation failed")).context(), String.join(",", locations),
                    null);
        }
        return new ValidateReport(result.validateCount, result.warnings == null ? List.of() : result.warnings);
    }

    /** Waits for the database, then configures Flyway on the manager's DataSource. */
    private Flyway flyway() {
        ConnectionResult connected = maxWait == null ? manager.initializeConnection()
                : manager.initializeConnection(maxWait);
        if (!connected.success()) {
            throw FlywayErrors.notConnected(connected, manager.config().url());
        }
        FluentConfiguration configuration = Flyway.configure()
                .dataSource(manager.dataSource())
                .locations(locations.toArray(String[]::new))
                // Refuse a schema migrated by a newer build (Flyway ignores "future" migrations by default).
                .ignoreMigrationPatterns(new String[0]);
        customizer.accept(configuration);
        return configuration.load();
    }

    private DatabaseError translate(FlywayException e, Flyway flyway) {
        return FlywayErrors.translate(e, manager::categorize, String.join(",", locations),
                () -> invalidMigrations(flyway));
    }

    /** The invalid migrations, validated again with pending ones allowed: Flyway's exception does not list them. */
    private static List<ValidateOutput> invalidMigrations(Flyway flyway) {
        ValidateResult again = Flyway.configure().configuration(flyway.getConfiguration())
                .ignoreMigrationPatterns("*:pending").load().validateWithResult();
        return again.invalidMigrations == null ? List.of() : again.invalidMigrations;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String fileName(String path) {
        if (path == null) {
            return "";
        }
        return path.substring(path.replace('\\', '/').lastIndexOf('/') + 1);
    }

    /**
     * Builds a {@link PgkeeperFlyway}. Not thread-safe; the instance it builds is.
     */
    public static final class Builder {

        private final ConnectionManager manager;
        private List<String> locations = List.of(DEFAULT_LOCATION);
        private Duration maxWait;
        private Consumer<FluentConfiguration> customizer = c -> { };

        private Builder(ConnectionManager manager) {
            this.manager = Objects.requireNonNull(manager, "manager");
        }

        /**
         * Where the migrations are, in Flyway's syntax: {@code classpath:db/migration},
         * {@code filesystem:/srv/migrations}. None (an empty array) means {@value #DEFAULT_LOCATION}.
         *
         * @param locations the locations, in order; surrounding whitespace is stripped
         * @return this builder
         * @throws NullPointerException     if {@code locations} or one of them is {@code null}
         * @throws IllegalArgumentException if one of them is blank
         */
        public Builder locations(String... locations) {
            Objects.requireNonNull(locations, "locations");
            List<String> list = new ArrayList<>();
            for (String location : Arrays.asList(locations)) {
                Objects.requireNonNull(location, "a location");
                if (location.isBlank()) {
                    throw new IllegalArgumentException("a location is blank: " + Arrays.toString(locations));
                }
                list.add(location.strip());
            }
            this.locations = list.isEmpty() ? List.of(DEFAULT_LOCATION) : List.copyOf(list);
            return this;
        }

        /**
         * The longest each operation waits for the database to connect before it fails. Default: the manager's
         * whole retry schedule ({@link ConnectionManager#initializeConnection()}).
         *
         * @param maxWait the longest time to wait; connecting goes on in the background after it
         * @return this builder
         * @throws NullPointerException     if {@code maxWait} is {@code null}
         * @throws IllegalArgumentException if {@code maxWait} is negative
         */
        public Builder maxWait(Duration maxWait) {
            Objects.requireNonNull(maxWait, "maxWait");
            if (maxWait.isNegative()) {
                throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
            }
            this.maxWait = maxWait;
            return this;
        }

        /**
         * Adjusts Flyway's configuration after pgkeeper has set the DataSource, the locations and its defaults, for
         * settings pgkeeper does not name (schemas, placeholders, baseline, table, callbacks, ...). Called once for
         * every operation. Replacing the DataSource defeats the purpose of this module.
         *
         * @param customizer what to change in Flyway's configuration; replaces the one given before, if any
         * @return this builder
         * @throws NullPointerException if {@code customizer} is {@code null}
         */
        public Builder configure(Consumer<FluentConfiguration> customizer) {
            this.customizer = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /**
         * Builds the (immutable) migrations runner.
         *
         * @return a new {@link PgkeeperFlyway} with this builder's settings
         */
        public PgkeeperFlyway build() {
            return new PgkeeperFlyway(this);
        }
    }
}
