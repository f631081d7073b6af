package dev.pgkeeper.mybatis.internal;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.ibatis.io.ResolverUtil;
import org.apache.ibatis.session.Configuration;

/**
 * Type aliases by package, as mybatis-spring's {@code typeAliasesPackage}: every top-level class of each
 * package gets its simple name (or its {@code @Alias}) as alias. A package without a class is a mistake
 * in its name, reported rather than ignored.
 */
public final class TypeAliases {

    private TypeAliases() {
    }

    /** The package names in {@code packages}, separated by commas, semicolons or white space as in mybatis-spring. */
    public static List<String> split(String packages) {
        return Arrays.stream(packages.split("[,;\\s]+")).filter(p -> !p.isEmpty()).toList();
    }

    /** Registers the classes of {@code packageName} (not its subpackages) as aliases. */
    public static void register(Configuration configuration, String packageName) {
        Set<Class<?>> found = new ResolverUtil<Object>().find(new ResolverUtil.IsA(Object.class), packageName)
                .getClasses();
        // The classes MyBatis's own registerAliases(package) takes.
        List<Class<?>> types = found.stream()
                .filter(c -> !c.isAnonymousClass() && !c.isInterface() && !c.isMemberClass()).toList();
        if (types.isEmpty()) {
            throw new DatabaseError(ErrorCode.CONFIGURATION_ERROR, "typeAliasesPackage: no class found in package "
                    + packageName, List.of("Check the package name passed to typeAliasesPackage(...): it must hold "
                    + "the classes themselves (subpackages are not searched) and be on the class path"),
                    Map.of("package", packageName), null);
        }
        types.forEach(configuration.getTypeAliasRegistry()::registerAlias);
    }
}
