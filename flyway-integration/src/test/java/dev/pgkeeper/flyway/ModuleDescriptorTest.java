package dev.pgkeeper.flyway;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolvedModule;
import java.util.Set;
import java.util.stream.Collectors;
import dev.pgkeeper.testing.ModulePath;
import org.junit.jupiter.api.Test;

/**
 * pgkeeper-flyway's module descriptor on a real module path (this module's classes plus its runtime dependencies
 * as Maven resolved them), including Flyway's automatic modules, whose names come from their jar files.
 */
class ModuleDescriptorTest {

    private static final String FLYWAY = "dev.pgkeeper.flyway";

    private static ModuleFinder modulePath() {
        return ModulePath.finder();
    }

    private static Configuration resolve() {
        return ModulePath.resolve(modulePath(), FLYWAY);
    }

    @Test
    void theModuleExportsOnlyItsApiPackageAndFindsFlywayByItsDerivedNames() {
        Configuration cf = resolve();
        ModuleDescriptor module = cf.findModule(FLYWAY).orElseThrow().reference().descriptor();

        assertThat(module.isAutomatic()).isFalse();
        assertThat(module.isOpen()).isFalse();
        assertThat(module.opens()).isEmpty();
        assertThat(module.exports()).singleElement().satisfies(e -> {
            assertThat(e.source()).isEqualTo(FLYWAY);
            assertThat(e.isQualified()).isFalse();
        });
        assertThat(module.packages()).contains("dev.pgkeeper.flyway.internal");
        ModuleDescriptor flywayCore = cf.findModule("flyway.core").orElseThrow().reference().descriptor();
        assertThat(flywayCore.isAutomatic()).as("Flyway has no module-info").isTrue();
        // The PostgreSQL plugin is found through ServiceLoader: its automatic module provides Flyway's Plugin service.
        ModuleDescriptor postgres = cf.findModule("flyway.database.postgresql").orElseThrow().reference().descriptor();
        assertThat(postgres.provides()).anySatisfy(p -> {
            assertThat(p.service()).isEqualTo("org.flywaydb.core.extensibility.Plugin");
            assertThat(p.providers()).contains("org.flywaydb.database.postgresql.PostgreSQLDatabaseType");
        });
    }

    @Test
    void anApplicationRequiringTheModuleReadsCoreAndFlyway() {
        Configuration cf = resolve();
        Set<String> reads = cf.findModule(FLYWAY).orElseThrow().reads().stream().map(ResolvedModule::name)
                .collect(Collectors.toSet());
        assertThat(reads).contains("dev.pgkeeper.core", "flyway.core", "flyway.database.postgresql", "java.sql");
        assertThat(cf.findModule(FLYWAY).orElseThrow().reference().descriptor().requires())
                .filteredOn(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE))
                .extracting(ModuleDescriptor.Requires::name)
                .containsExactlyInAnyOrder("dev.pgkeeper.core", "flyway.core");
    }

    @Test
    void theModuleLoadsInALayerOfItsOwn() throws Exception {
        Configuration cf = resolve();
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
        Module module = layer.findModule(FLYWAY).orElseThrow();
        assertThat(module.isExported("dev.pgkeeper.flyway")).isTrue();
        assertThat(module.isExported("dev.pgkeeper.flyway.internal")).isFalse();

        Class<?> api = layer.findLoader(FLYWAY).loadClass("dev.pgkeeper.flyway.PgkeeperFlyway");
        assertThat(api.getModule()).isSameAs(module);
        assertThat(api.getField("DEFAULT_LOCATION").get(null)).isEqualTo("classpath:db/migration");
    }
}
