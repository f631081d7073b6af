package dev.pgkeeper.testing;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A real module path for the module descriptor tests: the module's compiled classes
 * ({@code pgkeeper.test.moduleOutput}) and its runtime dependencies as Maven resolved them
 * ({@code pgkeeper.test.runtimeClasspath}), both system properties set by the module's pom. Every other test runs
 * on the class path, where a {@code module-info} is ignored.
 */
public final class ModulePath {

    private ModulePath() {
    }

    /**
     * Finds the modules on that path.
     *
     * @throws IllegalStateException when the pom did not set the two properties
     */
    public static ModuleFinder finder() {
        String output = System.getProperty("pgkeeper.test.moduleOutput");
        String runtime = System.getProperty("pgkeeper.test.runtimeClasspath");
        if (output == null || output.isBlank() || runtime == null || runtime.isBlank() || runtime.contains("${")) {
            throw new IllegalStateException("system properties pgkeeper.test.moduleOutput and "
                    + "pgkeeper.test.runtimeClasspath must be set by the pom (found " + output + " and " + runtime + ")");
        }
        List<Path> entries = new ArrayList<>();
        entries.add(Path.of(output));
        for (String entry : runtime.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                entries.add(Path.of(entry));
            }
        }
        return ModuleFinder.of(entries.toArray(Path[]::new));
    }

    /** Resolves {@code roots} against {@code finder}, after the boot layer. */
    public static Configuration resolve(ModuleFinder finder, String... roots) {
        return ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), Set.of(roots));
    }
}
