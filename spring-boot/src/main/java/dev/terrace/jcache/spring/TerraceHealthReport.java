package dev.terrace.jcache.spring;

import dev.terrace.jcache.TerraceCacheManager;
import dev.terrace.jcache.health.TerraceHealth;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The health of every Terrace cache manager of the application, in types both Spring Boot lines share: whether
 * any is degraded, and per manager URI its status and reasons. Each line's health indicator turns it into its
 * own {@code Health}.
 */
record TerraceHealthReport(boolean degraded, Map<String, Object> details) {

    static final String DEGRADED = "DEGRADED";
    static final String DEGRADED_DESCRIPTION = "Terrace runs on fewer tiers than configured";

    static TerraceHealthReport of(ObjectProvider<javax.cache.CacheManager> managers) {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean degraded = false;
        for (TerraceCacheManager terrace : TerraceManagers.open(managers)) {
            TerraceHealth health = terrace.health();
            degraded |= !health.isUp();
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("status", health.status().name());
            if (!health.reasons().isEmpty()) {
                detail.put("reasons", health.reasons());
            }
            details.put(terrace.getURI().toString(), detail);
        }
        return new TerraceHealthReport(degraded, details);
    }
}
