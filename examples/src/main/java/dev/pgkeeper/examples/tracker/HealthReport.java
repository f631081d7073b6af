package dev.pgkeeper.examples.tracker;

import dev.pgkeeper.DatabaseHealthResult;
import dev.pgkeeper.HealthStatus;
import dev.pgkeeper.SystemHealthResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link SystemHealthResult} in MicroProfile Health's JSON shape:
 * {@code {"status":"UP","checks":[{"name":"database","status":"UP","data":{...}}, ...]}}.
 */
public final class HealthReport {

    private HealthReport() {
    }

    /** The report as a JSON-ready map. */
    public static Map<String, Object> of(SystemHealthResult health) {
        DatabaseHealthResult db = health.database();
        Map<String, Object> dbData = new LinkedHashMap<>();
        if (db.status() == HealthStatus.UP) {
            dbData.put("latencyMillis", db.latencyMillis());
            dbData.put("serverVersion", db.serverVersion());
            dbData.put("role", db.role().name());
        } else {
            dbData.put("errorCode", db.errorCode() == null ? null : db.errorCode().name());
            dbData.put("errorMessage", db.errorMessage());
        }
        dbData.put("poolActive", db.pool().active());
        dbData.put("poolIdle", db.pool().idle());
        dbData.put("poolWaiting", db.pool().waiting());
        dbData.put("poolMax", db.pool().max());
        Map<String, Object> jvmData = new LinkedHashMap<>();
        jvmData.put("uptimeMillis", health.uptimeMillis());
        jvmData.put("heapUsedBytes", health.heapUsedBytes());
        jvmData.put("heapMaxBytes", health.heapMaxBytes());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("status", health.status().name());
        report.put("checks", List.of(
                check("database", db.status(), dbData),
                check("jvm", HealthStatus.UP, jvmData)));
        return report;
    }

    private static Map<String, Object> check(String name, HealthStatus status, Map<String, Object> data) {
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("name", name);
        check.put("status", status.name());
        check.put("data", data);
        return check;
    }
}
