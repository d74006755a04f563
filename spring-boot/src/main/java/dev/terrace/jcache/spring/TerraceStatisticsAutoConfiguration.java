package dev.terrace.jcache.spring;

import dev.terrace.jcache.TerraceCacheManager;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.cache.JCacheManagerCustomizer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Spring Boot 3.5, with Micrometer on the class path: turns statistics on for every cache the manager has when
 * Spring Boot creates it (the caches of the Terrace YAML file and of {@code spring.cache.cache-names}): Spring
 * Boot's {@code cache.gets}, {@code cache.puts} and {@code cache.removals} meters read the JCache statistics,
 * which are off by default. {@code terrace.statistics.enabled=false} leaves them off.
 * {@link TerraceBoot4StatisticsAutoConfiguration} does the same on Spring Boot 4.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration")
// The other line's types by name: a class literal that does not load drops the whole condition where the class
// is read by reflection (an @Import, a test's context runner) instead of from its bytes.
@ConditionalOnClass(
        value = TerraceCacheManager.class,
        name = {
            "io.micrometer.core.instrument.MeterRegistry",
            "org.springframework.boot.autoconfigure.cache.JCacheManagerCustomizer"
        })
@ConditionalOnProperty(name = "terrace.statistics.enabled", havingValue = "true", matchIfMissing = true)
public class TerraceStatisticsAutoConfiguration {

    @Bean
    JCacheManagerCustomizer terraceStatistics() {
        return TerraceStatistics::enableAll;
    }
}
