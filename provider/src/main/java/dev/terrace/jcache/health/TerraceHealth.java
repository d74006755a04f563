package dev.terrace.jcache.health;

import java.util.List;

/**
 * Whether a cache manager runs as configured, for health checks (Spring Boot's Actuator, a load balancer, an
 * operator): {@link Status#UP}, or {@link Status#DEGRADED} with the reasons, such as Redis being unreachable
 * (reads are then served from the near tiers, and the processes of the application can diverge until it is
 * back). Read-only: a snapshot taken when {@code TerraceCacheManager.health()} was called.
 *
 * @param status UP or DEGRADED
 * @param reasons why it is degraded, one line each; empty when UP
 */
public record TerraceHealth(Status status, List<String> reasons) {

    /** The states a manager can be in. */
    public enum Status {
        /** Every tier answers. */
        UP,
        /** Caches still answer, from fewer tiers than configured; see the reasons. */
        DEGRADED
    }

    /**
     * Copies the reasons, so that the snapshot cannot change.
     *
     * @param status UP or DEGRADED
     * @param reasons why it is degraded, one line each; empty when UP
     */
    public TerraceHealth {
        reasons = List.copyOf(reasons);
    }

    /**
     * UP when there is no reason, else DEGRADED for {@code reasons}.
     *
     * @param reasons why the manager is degraded, one line each; empty when all is well
     * @return the snapshot
     */
    public static TerraceHealth of(List<String> reasons) {
        return new TerraceHealth(reasons.isEmpty() ? Status.UP : Status.DEGRADED, reasons);
    }

    /**
     * Whether the status is UP, for checks that only need yes or no.
     *
     * @return {@code true} when every tier answers
     */
    public boolean isUp() {
        return status == Status.UP;
    }
}
