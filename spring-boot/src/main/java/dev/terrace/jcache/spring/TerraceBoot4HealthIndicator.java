package dev.terrace.jcache.spring;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Spring Boot 4: what {@link TerraceHealthIndicator} reports on Spring Boot 3.5, through the health API that
 * Spring Boot 4 moved to its {@code spring-boot-health} module: {@code UP}, or {@code DEGRADED} with the reason,
 * per cache manager URI.
 */
public class TerraceBoot4HealthIndicator implements HealthIndicator {

    /** A cache manager that still answers, from fewer tiers than configured. */
    public static final Status DEGRADED =
            new Status(TerraceHealthReport.DEGRADED, TerraceHealthReport.DEGRADED_DESCRIPTION);

    private final ObjectProvider<javax.cache.CacheManager> managers;

    /**
     * An indicator over every cache manager the application context holds; Terrace's are reported, others skipped.
     *
     * @param managers the application's cache managers, looked up at each health check
     */
    public TerraceBoot4HealthIndicator(ObjectProvider<javax.cache.CacheManager> managers) {
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
