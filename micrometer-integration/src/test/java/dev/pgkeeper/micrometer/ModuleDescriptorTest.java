package dev.pgkeeper.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import dev.pgkeeper.testing.ModulePath;
import org.junit.jupiter.api.Test;

/**
 * pgkeeper-micrometer's module descriptor, checked on a real module path (this module's classes and its runtime
 * dependencies as Maven resolved them); every other test runs on the class path, where it is ignored.
 */
class ModuleDescriptorTest {

    private static final String MICROMETER = "dev.pgkeeper.micrometer";

    private static ModuleFinder modulePath() {
        return ModulePath.finder();
    }

    private static Configuration resolve(ModuleFinder finder, String... roots) {
        return ModulePath.resolve(finder, roots);
    }

    @Test
    void exportsOnlyItsApiPackage() {
        ModuleDescriptor d = resolve(modulePath(), MICROMETER).findModule(MICROMETER).orElseThrow().reference()
                .descriptor();
        assertThat(d.isAutomatic()).isFalse();
        assertThat(d.isOpen()).isFalse();
        assertThat(d.opens()).isEmpty();
        assertThat(d.exports()).singleElement().satisfies(e -> {
            assertThat(e.source()).isEqualTo(MICROMETER);
            assertThat(e.isQualified()).isFalse();
        });
    }

    @Test
    void anApplicationRequiringOnlyThisModuleReadsEveryTypeTheApiShows() {
        ModuleDescriptor app = ModuleDescriptor.newModule("app").requires(MICROMETER).build();
        Configuration cf = resolve(ModuleFinder.compose(finderOf(app), modulePath()), "app");
        Set<String> reads = cf.findModule("app").orElseThrow().reads().stream().map(ResolvedModule::name)
                .collect(Collectors.toSet());
        // ConnectionManagerMetrics shows ConnectionManager and Micrometer's MeterBinder, MeterRegistry and Tag.
        assertThat(reads).contains(MICROMETER, "dev.pgkeeper.core", "micrometer.core", "java.sql");
    }

    @Test
    void hikariCpsMicrometerTrackerWorksInALayerOfItsOwn() throws Exception {
        Configuration cf = resolve(modulePath(), MICROMETER);
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
        ClassLoader loader = layer.findLoader(MICROMETER);
        assertThat(layer.findModule("com.zaxxer.hikari").orElseThrow().canRead(
                layer.findModule("micrometer.core").orElseThrow())).as("HikariCP's 'requires static' is resolved").isTrue();

        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        AutoCloseable manager = null;
        try {
            Class<?> databaseConfig = loader.loadClass("dev.pgkeeper.DatabaseConfig");
            Class<?> connectionManager = loader.loadClass("dev.pgkeeper.ConnectionManager");
            Object builder = databaseConfig.getMethod("builder").invoke(null);
            builder = builder.getClass().getMethod("url", String.class).invoke(builder, "postgresql://app@localhost:1/app");
            builder = builder.getClass().getMethod("name", String.class).invoke(builder, "modules");
            Object config = builder.getClass().getMethod("build").invoke(builder);
            manager = (AutoCloseable) connectionManager.getMethod("create", databaseConfig).invoke(null, config);

            Class<?> registryType = loader.loadClass("io.micrometer.core.instrument.MeterRegistry");
            Object registry = loader.loadClass("io.micrometer.core.instrument.simple.SimpleMeterRegistry")
                    .getConstructor().newInstance();
            Class<?> metricsType = loader.loadClass("dev.pgkeeper.micrometer.ConnectionManagerMetrics");
            assertThat(metricsType.getModule().getName()).isEqualTo(MICROMETER);
            Object metrics = metricsType.getConstructor(connectionManager).newInstance(manager);
            metricsType.getMethod("bindTo", registryType).invoke(metrics, registry);

            List<?> meters = (List<?>) registryType.getMethod("getMeters").invoke(registry);
            List<String> names = new ArrayList<>();
            Class<?> meterType = loader.loadClass("io.micrometer.core.instrument.Meter");
            Class<?> idType = loader.loadClass("io.micrometer.core.instrument.Meter$Id");
            for (Object m : meters) {
                Object id = meterType.getMethod("getId").invoke(m);
                names.add((String) idType.getMethod("getName").invoke(id));
            }
            assertThat(names).contains("hikaricp.connections.max", "pgkeeper.state", "pgkeeper.outages");
            metricsType.getMethod("close").invoke(metrics);
        } finally {
            if (manager != null) {
                manager.close();
            }
            thread.setContextClassLoader(previous);
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
