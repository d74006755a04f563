package dev.terrace.jcache.spring;

import dev.terrace.jcache.TerraceCachingProvider;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Defaults the application can override (they come last): Terrace is the JCache provider even when another
 * one is on the class path, and Actuator's overall health ranks {@code DEGRADED} (a Terrace cache manager
 * running on fewer tiers than configured) between {@code OUT_OF_SERVICE} and {@code UP}, so that it shows in
 * {@code /actuator/health} while the HTTP status stays 200.
 */
public class TerraceEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String SOURCE = "terraceDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.getPropertySources().contains(SOURCE)) {
            return;
        }
        environment
                .getPropertySources()
                .addLast(new MapPropertySource(
                        SOURCE,
                        Map.of(
                                "spring.cache.jcache.provider",
                                TerraceCachingProvider.class.getName(),
                                "management.endpoint.health.status.order",
                                "DOWN,OUT_OF_SERVICE,DEGRADED,UP,UNKNOWN")));
    }
}
