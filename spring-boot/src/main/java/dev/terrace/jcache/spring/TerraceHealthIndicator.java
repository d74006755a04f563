package dev.terrace.jcache.spring;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/**
 * Spring Boot 3.5: the health of each Terrace cache manager of the application, {@code UP}, or {@code DEGRADED}
 * with the reason (Redis unreachable: caches answer from the near tiers, and the application's processes may
 * diverge until it is back). The details list every manager by its URI. {@link TerraceBoot4HealthIndicator} is
 * the same on Spring Boot 4.
 */
public class TerraceHealthIndicator implements HealthIndicator {

    /** A cache manager that still answers, from fewer tiers than configured. */
    public static final Status DEGRADED =
            new Status(TerraceHealthReport.DEGRADED, TerraceHealthReport.DEGRADED_DESCRIPTION);

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
        TerraceHealthReport report = TerraceHealthReport.of(managers);
        return Health.status(report.degraded() ? DEGRADED : Status.UP)
                .withDetails(report.details())
                .build();
    }
}
