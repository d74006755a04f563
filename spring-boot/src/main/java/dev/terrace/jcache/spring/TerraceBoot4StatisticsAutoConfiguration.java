package dev.terrace.jcache.spring;

import dev.terrace.jcache.TerraceCacheManager;
import io.micrometer.core.instrument.MeterRegistry;
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
@ConditionalOnClass({MeterRegistry.class, TerraceCacheManager.class, JCacheManagerCustomizer.class})
@ConditionalOnProperty(name = "terrace.statistics.enabled", havingValue = "true", matchIfMissing = true)
public class TerraceBoot4StatisticsAutoConfiguration {

    @Bean
    JCacheManagerCustomizer terraceStatistics() {
        return TerraceStatistics::enableAll;
    }
}
