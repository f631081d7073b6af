package dev.pgkeeper.examples.tracker;

import dev.pgkeeper.DatabaseHealthResult;
import dev.pgkeeper.HealthStatus;
import dev.pgkeeper.SystemHealthResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link SystemHealthResult} in MicroProfile Health's JSON shape:
 * {@code {"status":"UP","checks":[{"name":"database","status":"UP","data":{...}}, ...]}}. Data values are
 * strings and numbers only; the database's error message, which names hosts, stays in the server log.
 */
public final class HealthReport {

    private HealthReport() {
    }

    /** The full report: the database and the JVM. */
    public static Map<String, Object> of(SystemHealthResult health) {
        return of(health, true, true);
    }

    /** A report with the chosen checks; UP exactly when every included check is UP. */
    public static Map<String, Object> of(SystemHealthResult health, boolean database, boolean jvm) {
        List<Map<String, Object>> checks = new java.util.ArrayList<>();
        if (database) {
            checks.add(check("database", health.database().status(), databaseData(health.database())));
        }
        if (jvm) {
            checks.add(check("jvm", HealthStatus.UP, jvmData(health)));
        }
        HealthStatus status = database ? health.status() : HealthStatus.UP;
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("status", status.name());
        report.put("checks", checks);
        return report;
    }

    /** Liveness: the process answers; the database is not consulted, so an outage does not restart it. */
    public static Map<String, Object> live() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("status", HealthStatus.UP.name());
        report.put("checks", List.of());
        return report;
    }

    private static Map<String, Object> databaseData(DatabaseHealthResult db) {
        Map<String, Object> dbData = new LinkedHashMap<>();
        if (db.status() == HealthStatus.UP) {
            dbData.put("latencyMillis", db.latencyMillis());
            dbData.put("serverVersion", db.serverVersion());
            dbData.put("role", db.role().name());
        } else if (db.errorCode() != null) {
            dbData.put("errorCode", db.errorCode().name());
        }
        dbData.put("poolActive", db.pool().active());
        dbData.put("poolIdle", db.pool().idle());
        dbData.put("poolWaiting", db.pool().waiting());
        dbData.put("poolMax", db.pool().max());
        return dbData;
    }

    private static Map<String, Object> jvmData(SystemHealthResult health) {
        Map<String, Object> jvmData = new LinkedHashMap<>();
        jvmData.put("uptimeMillis", health.uptimeMillis());
        jvmData.put("heapUsedBytes", health.heapUsedBytes());
        jvmData.put("heapMaxBytes", health.heapMaxBytes());
        return jvmData;
    }

    private static Map<String, Object> check(String name, HealthStatus status, Map<String, Object> data) {
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("name", name);
        check.put("status", status.name());
        check.put("data", data);
        return check;
    }
}
