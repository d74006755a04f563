/**
 * Whether a cache manager runs as configured: a read-only health snapshot for health checks (Spring Boot's
 * Actuator, a load balancer, an operator), taken from {@code TerraceCacheManager.health()}.
 */
package dev.terrace.jcache.health;
