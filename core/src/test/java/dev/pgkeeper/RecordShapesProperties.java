package dev.pgkeeper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.testing.PasswordGuard;
import dev.pgkeeper.testing.PrivateServer;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Property 9 of the design: the result records keep their documented shape, and behave as values. For
 * generated component values of every result record: the components have the documented names, order and
 * types; each accessor returns what the canonical constructor was given; a record built again from its own
 * accessors is equal, with the same hash code and text; changing one component makes it unequal; and the
 * text names every component. Records that a manager fills from a URL with a password never show it.
 *
 * <p>The documented shapes below are public API: a change is a breaking change and goes with a CHANGELOG
 * entry ({@link RecordShapesTest} checks the same shapes one example at a time).
 */
class RecordShapesProperties {

    /** Each result record and its components, in order, as {@code SimpleTypeName name}. */
    static final Map<Class<? extends Record>, List<String>> DOCUMENTED = documented();

    private static Map<Class<? extends Record>, List<String>> documented() {
        Map<Class<? extends Record>, List<String>> shapes = new LinkedHashMap<>();
        shapes.put(ConnectionResult.class, List.of("boolean success", "int attempts", "Duration duration",
                "DatabaseError error"));
        shapes.put(ConnectionStatus.class, List.of("boolean connected", "ConnectionPhase phase",
                "Instant lastConnectedAt", "ErrorCode lastErrorCode", "String lastErrorMessage", "int retryCount",
                "boolean reconnectScheduled", "PoolStats pool", "String url"));
        shapes.put(PoolStats.class, List.of("int active", "int idle", "int total", "int waiting", "int max"));
        shapes.put(ValidationResult.class, List.of("boolean valid", "List errors", "List warnings"));
        shapes.put(DatabaseHealthResult.class, List.of("HealthStatus status", "Instant checkedAt",
                "long latencyMillis", "PoolStats pool", "String serverVersion", "ServerRole role",
                "ErrorCode errorCode", "String errorMessage"));
        shapes.put(SystemHealthResult.class, List.of("HealthStatus status", "DatabaseHealthResult database",
                "long uptimeMillis", "long heapUsedBytes", "long heapCommittedBytes", "long heapMaxBytes",
                "Instant timestamp"));
        shapes.put(ConnectionEvent.class, List.of("Type type", "ConnectionPhase phase", "Instant at", "int attempt",
                "Duration nextDelay", "DatabaseError error"));
        return shapes;
    }

    // ---------------------------------------------------------------- shape and value behaviour

    @Property(tries = 700)
    @Label("Seed property 9: every result record keeps its documented components and behaves as a value")
    void everyResultRecordKeepsItsDocumentedShape(@ForAll("samples") Sample sample) throws Exception {
        Class<? extends Record> type = sample.type();
        RecordComponent[] components = type.getRecordComponents();
        assertThat(Arrays.stream(components).map(c -> c.getType().getSimpleName() + " " + c.getName()).toList())
                .as("documented shape of %s", type.getSimpleName())
                .isEqualTo(DOCUMENTED.get(type));

        Record record = construct(type, sample.values());

        for (int i = 0; i < components.length; i++) {
            assertThat(components[i].getAccessor().invoke(record))
                    .as("%s.%s()", type.getSimpleName(), components[i].getName())
                    .isEqualTo(sample.values()[i]);
        }
        Record copy = construct(type, accessorValues(record));
        assertThat(copy).isEqualTo(record).isNotSameAs(record);
        assertThat(record).isEqualTo(copy);
        assertThat(copy.hashCode()).isEqualTo(record.hashCode());
        assertThat(copy.toString()).isEqualTo(record.toString());
        assertThat(record.toString()).startsWith(type.getSimpleName() + "[");
        for (RecordComponent c : components) {
            assertThat(record.toString()).contains(c.getName() + "=");
        }
        for (int i = 0; i < components.length; i++) {
            Object[] changed = sample.values().clone();
            changed[i] = changedValue(changed[i]);
            if (changed[i] == null) {
                continue; // not a component this check knows how to change
            }
            Record mutant;
            try {
                mutant = construct(type, changed);
            } catch (IllegalArgumentException inconsistent) {
                continue; // e.g. a "successful" result with an error: the record refuses it, as documented
            }
            assertThat(mutant).as("%s with another %s", type.getSimpleName(), components[i].getName())
                    .isNotEqualTo(record);
        }
    }

    // ---------------------------------------------------------------- no password

    @Property(tries = 100)
    @Label("Seed property 9: records a manager fills from a URL with a password never show the password")
    void recordsFromAManagerNeverShowThePassword(@ForAll("passwords") String password, @ForAll boolean inUserInfo,
                                                 @ForAll boolean production) {
        PasswordGuard.register(password);
        String encoded = URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20");
        String hostAndDb = "127.0.0.1:" + PrivateServer.freePort() + "/orders";
        String url = inUserInfo ? "postgresql://app:" + encoded + "@" + hostAndDb
                : "postgresql://app@" + hostAndDb + "?password=" + encoded;
        DatabaseConfig config = TestConfigs.forUrl(url).maxRetries(0).appEnv(production ? "production" : null)
                .reconnectInterval(Duration.ofMinutes(10)).build();
        List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
        StringBuilder everything = new StringBuilder();
        try (ConnectionManager manager = ConnectionManager.create(config)) {
            manager.addListener(events::add);
            everything.append(manager.getConnectionStatus()).append('\n');
            ConnectionResult result = manager.initializeConnection();
            assertThat(result.success()).isFalse();
            everything.append(result).append('\n').append(result.error().troubleshootingSteps()).append('\n')
                    .append(result.error().context()).append('\n')
                    .append(manager.getConnectionStatus()).append('\n')
                    .append(manager.checkHealth()).append('\n')
                    .append(manager.checkSystemHealth()).append('\n')
                    .append(DatabaseUrls.validateDatabaseUrl(url, production)).append('\n')
                    .append(config).append('\n').append(manager).append('\n');
        }
        everything.append(events);

        assertThat(events).isNotEmpty();
        assertThat(everything.toString()).doesNotContain(password).doesNotContain(encoded);
    }

    // ---------------------------------------------------------------- generators

    /**
     * Component values for one record type, in component order.
     *
     * @param type   the record type
     * @param values its components' values
     */
    record Sample(Class<? extends Record> type, Object[] values) {
        @Override
        public String toString() {
            return type.getSimpleName() + Arrays.deepToString(values);
        }
    }

    @Provide
    Arbitrary<Sample> samples() {
        Arbitrary<Sample> connectionResult = Combinators.combine(Arbitraries.of(true, false),
                        Arbitraries.integers().between(0, 40), durations(), errors())
                .as((success, attempts, duration, error) -> sample(ConnectionResult.class, success, attempts,
                        duration, success ? null : error));
        Arbitrary<Sample> connectionStatus = Combinators.combine(Arbitraries.of(true, false),
                        Arbitraries.of(ConnectionPhase.class), instants().injectNull(0.2),
                        Arbitraries.of(ErrorCode.class).injectNull(0.3), texts(), Arbitraries.integers().between(0, 10_000),
                        Arbitraries.of(true, false), Combinators.combine(poolStats(), texts()).as(Tuple::of))
                .as((connected, phase, at, code, message, retries, scheduled, poolAndUrl) -> sample(
                        ConnectionStatus.class, connected, phase, at, code, message, retries, scheduled,
                        poolAndUrl.get1(), poolAndUrl.get2()));
        Arbitrary<Sample> pool = Arbitraries.integers().between(0, 1000).list().ofSize(5)
                .map(n -> sample(PoolStats.class, n.get(0), n.get(1), n.get(2), n.get(3), n.get(4)));
        Arbitrary<Sample> validation = Combinators.combine(texts().filter(t -> t != null).list().ofMaxSize(3),
                        texts().filter(t -> t != null).list().ofMaxSize(3))
                .as((errors, warnings) -> sample(ValidationResult.class, errors.isEmpty(), errors, warnings));
        Arbitrary<Sample> health = databaseHealth().map(h -> sample(DatabaseHealthResult.class, accessorValues(h)));
        Arbitrary<Sample> system = Combinators.combine(Arbitraries.of(HealthStatus.class), databaseHealth(),
                        Arbitraries.longs().between(0, Long.MAX_VALUE / 2), Arbitraries.longs().between(0, 1L << 40),
                        Arbitraries.longs().between(0, 1L << 40), Arbitraries.longs().between(-1, 1L << 40), instants())
                .as((status, db, uptime, used, committed, max, at) -> sample(SystemHealthResult.class, status, db,
                        uptime, used, committed, max, at));
        Arbitrary<Sample> event = Combinators.combine(Arbitraries.of(ConnectionEvent.Type.class),
                        Arbitraries.of(ConnectionPhase.class), instants(), Arbitraries.integers().between(0, 1000),
                        durations().injectNull(0.3), errors().injectNull(0.4))
                .as((type, phase, at, attempt, delay, error) -> sample(ConnectionEvent.class, type, phase, at, attempt,
                        delay, error));
        return Arbitraries.oneOf(connectionResult, connectionStatus, pool, validation, health, system, event);
    }

    @Provide
    Arbitrary<String> passwords() {
        // At least 12 characters with a letter, a digit and a sign: it cannot turn up in a message by chance.
        return Combinators.combine(Arbitraries.strings().alpha().ofLength(4), Arbitraries.strings().numeric().ofLength(2),
                        Arbitraries.strings().alpha().numeric().withChars("!$-._~@:/?#%&=+ ").ofMinLength(6).ofMaxLength(18))
                .as((letters, digits, rest) -> "Pw" + letters + digits + rest);
    }

    private static Arbitrary<DatabaseHealthResult> databaseHealth() {
        return Combinators.combine(Arbitraries.of(HealthStatus.class), instants(),
                        Arbitraries.longs().between(-1, 60_000), poolStats(), texts(), Arbitraries.of(ServerRole.class),
                        Arbitraries.of(ErrorCode.class).injectNull(0.5), texts())
                .as(DatabaseHealthResult::new);
    }

    private static Arbitrary<PoolStats> poolStats() {
        return Arbitraries.integers().between(0, 1000).list().ofSize(5)
                .map(n -> new PoolStats(n.get(0), n.get(1), n.get(2), n.get(3), n.get(4)));
    }

    private static Arbitrary<Instant> instants() {
        return Arbitraries.longs().between(0, 4_102_444_800_000L).map(Instant::ofEpochMilli);
    }

    private static Arbitrary<Duration> durations() {
        return Arbitraries.longs().between(0, 86_400_000L).map(Duration::ofMillis);
    }

    private static Arbitrary<String> texts() {
        return Arbitraries.strings().withCharRange(' ', '~').withChars("éü€中\n").ofMaxLength(30).injectNull(0.2);
    }

    private static Arbitrary<DatabaseError> errors() {
        return Combinators.combine(Arbitraries.of(ErrorCode.class), texts().filter(t -> t != null),
                        texts().filter(t -> t != null).list().ofMaxSize(3))
                .as((code, message, steps) -> new DatabaseError(code, message, steps, Map.of("host", "db:5432"), null));
    }

    // ---------------------------------------------------------------- reflection

    private static Sample sample(Class<? extends Record> type, Object... values) {
        return new Sample(type, values);
    }

    private static Record construct(Class<? extends Record> type, Object[] values) throws Exception {
        Class<?>[] parameterTypes = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType)
                .toArray(Class<?>[]::new);
        Constructor<? extends Record> canonical = type.getDeclaredConstructor(parameterTypes);
        try {
            return canonical.newInstance(values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private static Object[] accessorValues(Record record) {
        return Arrays.stream(record.getClass().getRecordComponents()).map(c -> {
            try {
                return c.getAccessor().invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }).toArray();
    }

    /** Another value of the same type, or {@code null} for types this check does not change. */
    private static Object changedValue(Object value) {
        if (value instanceof Boolean b) {
            return !b;
        }
        if (value instanceof Integer i) {
            return i == Integer.MAX_VALUE ? i - 1 : i + 1;
        }
        if (value instanceof Long l) {
            return l == Long.MAX_VALUE ? l - 1 : l + 1;
        }
        if (value instanceof Duration d) {
            return d.plusMillis(1);
        }
        if (value instanceof Instant t) {
            return t.plusMillis(1);
        }
        if (value instanceof Enum<?> e) {
            Object[] constants = e.getDeclaringClass().getEnumConstants();
            return constants.length < 2 ? null : constants[(e.ordinal() + 1) % constants.length];
        }
        if (value instanceof String s) {
            return s + "x";
        }
        if (value instanceof List<?> list) {
            return list.isEmpty() ? null : list.subList(1, list.size()); // keeps ValidationResult's rule in reach
        }
        return null;
    }
}
