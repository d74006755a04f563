package dev.terrace.jcache.spring;

import dev.terrace.jcache.TerraceCacheManager;
import dev.terrace.jcache.health.TerraceHealth;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/**
 * The health of each Terrace cache manager of the application: {@code UP}, or {@code DEGRADED} with the
 * reason (Redis unreachable: caches answer from the near tiers, and the application's processes may diverge
 * until it is back). The details list every manager by its URI.
 */
public class TerraceHealthIndicator implements HealthIndicator {

    /** A cache manager that still answers, from fewer tiers than configured. */
    public static final Status DEGRADED = new Status("DEGRADED", "Terrace runs on fewer tiers than configured");

    private final ObjectProvider<javax.cache.CacheManager> managers;

    /**
     * An indicator over every cache manager the application context holds; Terrace's are reported, others skipped.
     *
     * @param managers the application's cache managers, looked up at each health check
     */
    public TerraceHealthIndicator(ObjectProvider<javax.cache.CacheManager> managers) {
        this.managers = managers;
    }

    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean degraded = false;
        for (javax.cache.CacheManager manager :
                (Iterable<javax.cache.CacheManager>) managers.orderedStream()::iterator) {
            if (manager.isClosed() || !(manager instanceof TerraceCacheManager terrace)) {
                continue;
            }
            TerraceHealth health = terrace.health();
            degraded |= !health.isUp();
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("status", health.status().name());
            if (!health.reasons().isEmpty()) {
                detail.put("reasons", health.reasons());
            }
            details.put(terrace.getURI().toString(), detail);
        }
        return Health.status(degraded ? DEGRADED : Status.UP)
                .withDetails(details)
                .build();
    }
}
