package dev.terrace.jcache.spring;

import dev.terrace.jcache.TerraceCacheManager;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.cache.autoconfigure.JCacheManagerCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * Spring Boot 4: what {@link TerraceStatisticsAutoConfiguration} does on Spring Boot 3.5 (statistics on for
 * Boot's cache meters), through the customizer Spring Boot 4 moved to {@code spring-boot-cache}.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
// The other line's types by name: a class literal that does not load drops the whole condition where the class
// is read by reflection (an @Import, a test's context runner) instead of from its bytes.
@ConditionalOnClass(
        value = TerraceCacheManager.class,
        name = {
            "io.micrometer.core.instrument.MeterRegistry",
            "org.springframework.boot.cache.autoconfigure.JCacheManagerCustomizer"
        })
@ConditionalOnProperty(name = "terrace.statistics.enabled", havingValue = "true", matchIfMissing = true)
public class TerraceBoot4StatisticsAutoConfiguration {

    @Bean
    JCacheManagerCustomizer terraceStatistics() {
        return TerraceStatistics::enableAll;
    }
}
