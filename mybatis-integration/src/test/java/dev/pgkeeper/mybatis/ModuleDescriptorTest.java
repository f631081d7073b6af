package dev.pgkeeper.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Requires;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import dev.pgkeeper.testing.ModulePath;
import org.junit.jupiter.api.Test;

/**
 * The module descriptors of pgkeeper-core and pgkeeper-mybatis, checked on a real module path: this module's
 * compiled classes plus its runtime dependencies as Maven resolved them (pgkeeper-core's jar or classes,
 * MyBatis, pgjdbc, HikariCP, Failsafe, Log4j API). Every other test runs on the class path, where a
 * {@code module-info} is ignored.
 */
class ModuleDescriptorTest {

    private static final String CORE = "dev.pgkeeper.core";
    private static final String MYBATIS = "dev.pgkeeper.mybatis";
    private static final String TYPES = "dev.pgkeeper.mybatis.internal.types";

    private static ModuleFinder modulePath() {
        return ModulePath.finder();
    }

    private static Configuration resolve(ModuleFinder finder, String... roots) {
        return ModulePath.resolve(finder, roots);
    }

    private static ModuleDescriptor descriptor(Configuration cf, String module) {
        Optional<ResolvedModule> resolved = cf.findModule(module);
        assertThat(resolved).as(module + " is resolved").isPresent();
        return resolved.get().reference().descriptor();
    }

    @Test
    void eachModuleExportsOnlyItsApiPackage() {
        Configuration cf = resolve(modulePath(), MYBATIS);

        ModuleDescriptor core = descriptor(cf, CORE);
        ModuleDescriptor mybatis = descriptor(cf, MYBATIS);
        assertThat(core.isAutomatic()).as("core has a module-info").isFalse();
        assertThat(mybatis.isAutomatic()).as("mybatis-integration has a module-info").isFalse();

        assertThat(core.exports()).singleElement().satisfies(e -> {
            assertThat(e.source()).isEqualTo("dev.pgkeeper");
            assertThat(e.isQualified()).isFalse();
        });
        assertThat(mybatis.exports()).filteredOn(e -> !e.isQualified()).singleElement()
                .satisfies(e -> assertThat(e.source()).isEqualTo("dev.pgkeeper.mybatis"));
        // The type handlers' package, for MyBatis alone: it instantiates the default enum handler by reflection.
        assertThat(mybatis.exports()).filteredOn(ModuleDescriptor.Exports::isQualified).singleElement()
                .satisfies(e -> {
                    assertThat(e.source()).isEqualTo(TYPES);
                    assertThat(e.targets()).containsExactly("org.mybatis");
                });
        // Not vacuous: the machinery is there, and stays inside.
        assertThat(core.packages()).contains("dev.pgkeeper.internal.lifecycle", "dev.pgkeeper.internal.url");
        assertThat(mybatis.packages()).contains("dev.pgkeeper.mybatis.internal", TYPES);
        for (ModuleDescriptor d : List.of(core, mybatis)) {
            assertThat(d.isOpen()).as(d.name() + " is not an open module").isFalse();
            assertThat(d.exports()).as(d.name() + ": no internal package exported to everyone")
                    .filteredOn(e -> e.source().contains(".internal") && !e.isQualified()).isEmpty();
            assertThat(d.opens()).as(d.name() + ": no package opened to everyone")
                    .filteredOn(o -> !o.isQualified()).isEmpty();
        }
    }

    @Test
    void anApplicationRequiringOnlyTheMyBatisModuleReadsEveryTypeTheApiShows() {
        ModuleDescriptor app = ModuleDescriptor.newModule("app").requires(MYBATIS).build();
        Configuration cf = resolve(ModuleFinder.compose(finderOf(app), modulePath()), "app");

        Set<String> reads = cf.findModule("app").orElseThrow().reads().stream().map(ResolvedModule::name)
                .collect(Collectors.toSet());
        // MyBatisClient shows ConnectionManager and SqlSessionFactory; ConnectionManager shows DataSource and
        // HikariCP's MetricsTrackerFactory (addPoolMetricsTracker).
        assertThat(reads).contains(MYBATIS, CORE, "org.mybatis", "java.sql", "com.zaxxer.hikari");
        // ... and not the explicit modules it does not show (MyBatis, automatic, implies the other automatic
        // modules such as pgjdbc: the price of a dependency without a descriptor).
        assertThat(reads).doesNotContain("dev.failsafe.core", "org.apache.logging.log4j");
        assertThat(descriptor(cf, MYBATIS).requires())
                .filteredOn(r -> r.modifiers().contains(Requires.Modifier.TRANSITIVE))
                .extracting(Requires::name).containsExactlyInAnyOrder(CORE, "org.mybatis");
    }

    @Test
    void theModulesWorkInALayerOfTheirOwn() throws Exception {
        Configuration cf = resolve(modulePath(), MYBATIS);
        // The platform loader as parent: pgkeeper's classes come from the layer, never from the class path.
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
        ClassLoader loader = layer.findLoader(MYBATIS);
        Module core = layer.findModule(CORE).orElseThrow();
        assertThat(core.isExported("dev.pgkeeper")).isTrue();
        assertThat(core.isExported("dev.pgkeeper.internal.url")).isFalse();
        Module mybatisModule = layer.findModule(MYBATIS).orElseThrow();
        assertThat(mybatisModule.isExported("dev.pgkeeper.mybatis.internal")).isFalse();
        assertThat(mybatisModule.isExported(TYPES)).isFalse();
        assertThat(mybatisModule.isExported(TYPES, layer.findModule("org.mybatis").orElseThrow())).isTrue();

        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader); // so Log4j API looks for its providers in the layer
        Object manager = null;
        try {
            Class<?> urls = loader.loadClass("dev.pgkeeper.DatabaseUrls");
            Class<?> databaseConfig = loader.loadClass("dev.pgkeeper.DatabaseConfig");
            Class<?> connectionManager = loader.loadClass("dev.pgkeeper.ConnectionManager");
            Class<?> client = loader.loadClass("dev.pgkeeper.mybatis.MyBatisClient");
            assertThat(connectionManager.getModule()).isSameAs(core);
            assertThat(client.getModule().getName()).isEqualTo(MYBATIS);

            String url = "postgresql://app:secret@localhost:5432/app";
            Object validation = call(urls, null, "validateDatabaseUrl", url);
            assertThat(call(validation.getClass(), validation, "valid")).isEqualTo(true);

            Object builder = call(databaseConfig, null, "builder");
            builder = call(builder.getClass(), builder, "url", url);
            builder = call(builder.getClass(), builder, "name", "modules");
            Object config = call(builder.getClass(), builder, "build");
            manager = call(connectionManager, null, "create", config);

            Object clientBuilder = call(client, null, "builder");
            clientBuilder = call(clientBuilder.getClass(), clientBuilder, "connectionManager", manager);
            clientBuilder = call(clientBuilder.getClass(), clientBuilder, "postgresTypes");
            Object mybatis = call(clientBuilder.getClass(), clientBuilder, "build");

            // pgkeeper's error classification, in core's internal packages, reached through the API.
            Object error = call(client, mybatis, "translate", new SQLException("could not serialize access", "40001"));
            assertThat(error.getClass().getModule()).isSameAs(core);
            assertThat(call(error.getClass(), error, "code")).hasToString("SERIALIZATION_FAILURE");

            // MyBatis instantiates postgresTypes()'s default enum handler, from an internal package, by reflection.
            Class<?> configurationType = loader.loadClass("org.apache.ibatis.session.Configuration");
            Class<?> registryType = loader.loadClass("org.apache.ibatis.type.TypeHandlerRegistry");
            Object configuration = call(loader.loadClass("org.apache.ibatis.session.SqlSessionFactory"),
                    call(client, mybatis, "sqlSessionFactory"), "getConfiguration");
            Object registry = call(configurationType, configuration, "getTypeHandlerRegistry");
            Object enumHandler = call(registryType, registry, "getTypeHandler", java.time.DayOfWeek.class);
            assertThat(enumHandler.getClass().getName()).isEqualTo(TYPES + ".PgEnumTypeHandler");
            assertThat(enumHandler.getClass().getModule().getName()).isEqualTo(MYBATIS);

            // MyBatis opens a session with pgkeeper-mybatis's internal transaction factory and DataSource;
            // the manager, never initialized, refuses the connection with its own error.
            Class<?> factoryType = loader.loadClass("org.apache.ibatis.session.SqlSessionFactory");
            Class<?> sessionType = loader.loadClass("org.apache.ibatis.session.SqlSession");
            Object factory = call(client, mybatis, "sqlSessionFactory");
            Object session = call(factoryType, factory, "openSession");
            try {
                Object finalSession = session;
                assertThatThrownBy(() -> call(sessionType, finalSession, "getConnection"))
                        .satisfies(e -> {
                            assertThat(e.getClass().getName()).isEqualTo("dev.pgkeeper.DatabaseError");
                            assertThat(e.getClass().getModule()).isSameAs(core);
                            assertThat(call(e.getClass(), e, "code")).hasToString("NOT_INITIALIZED");
                        });
            } finally {
                call(sessionType, session, "close");
            }
        } finally {
            if (manager != null) {
                call(manager.getClass(), manager, "close");
            }
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * Calls the public method {@code name} that {@code type} declares or inherits, with {@code args}; a
     * failure of the method itself is rethrown as it is.
     */
    private static Object call(Class<?> type, Object target, String name, Object... args) throws Exception {
        Method method = Stream.of(type.getMethods())
                .filter(m -> m.getName().equals(name) && m.getParameterCount() == args.length)
                .filter(m -> {
                    Class<?>[] params = m.getParameterTypes();
                    for (int i = 0; i < params.length; i++) {
                        if (args[i] != null && !params[i].isInstance(args[i])) {
                            return false;
                        }
                    }
                    return true;
                })
                .findFirst().orElseThrow(() -> new AssertionError(type.getName() + " has no public " + name));
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** A finder of one module that exists only as a descriptor: it is resolved, never loaded. */
    private static ModuleFinder finderOf(ModuleDescriptor descriptor) {
        ModuleReference reference = new ModuleReference(descriptor, null) {
            @Override
            public ModuleReader open() {
                throw new UnsupportedOperationException("descriptor only");
            }
        };
        return new ModuleFinder() {
            @Override
            public Optional<ModuleReference> find(String name) {
                return name.equals(descriptor.name()) ? Optional.of(reference) : Optional.empty();
            }

            @Override
            public Set<ModuleReference> findAll() {
                return Set.of(reference);
            }
        };
    }
}
