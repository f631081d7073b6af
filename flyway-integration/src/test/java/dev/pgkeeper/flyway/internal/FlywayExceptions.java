package dev.pgkeeper.flyway.internal;

import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.List;
import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.ErrorDetails;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.flywaydb.core.internal.exception.FlywaySqlException;

/** Flyway's exceptions as Flyway builds them, for the translation tests (no database needed). */
final class FlywayExceptions {

    private FlywayExceptions() {
    }

    /** What Flyway throws when it cannot talk to the database. */
    static FlywaySqlException sql(String sqlState, String message) {
        return new FlywaySqlException("Unable to obtain connection from database", new SQLException(message, sqlState));
    }

    /** What Flyway throws when a migration's SQL fails. */
    static FlywayMigrateException migrationFailed(String version, String script, SQLException cause) {
        return new FlywayMigrateException(migration(version, script), false, cause, true, new MigrateResult());
    }

    /** What migrate throws when validation fails. */
    static FlywayValidateException validation(String message) {
        return new FlywayValidateException(new ErrorDetails(CoreErrorCode.VALIDATE_ERROR, message), message);
    }

    static ValidateOutput invalid(String version, String script, CoreErrorCode code) {
        return new ValidateOutput(version, "a migration", script, new ErrorDetails(code, "Migration " + code));
    }

    static List<ValidateOutput> none() {
        return List.of();
    }

    /** A MigrationInfo with a version and a script; everything else empty. */
    static MigrationInfo migration(String version, String script) {
        return (MigrationInfo) Proxy.newProxyInstance(MigrationInfo.class.getClassLoader(),
                new Class<?>[] {MigrationInfo.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getType" -> org.flywaydb.core.api.CoreMigrationType.SQL;
                    case "getVersion" -> version == null ? null : MigrationVersion.fromVersion(version);
                    case "getDescription" -> "a migration";
                    case "getScript", "getPhysicalLocation" -> script;
                    case "isVersioned" -> version != null;
                    case "isRepeatable" -> version == null;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "MigrationInfo[" + version + ", " + script + "]";
                    default -> method.getReturnType() == boolean.class ? Boolean.FALSE
                            : method.getReturnType() == int.class ? 0 : null;
                });
    }
}
