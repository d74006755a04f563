package dev.terrace.jcache.spring;

import dev.terrace.jcache.TerraceCacheManager;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Spring Boot 3.5 with Actuator on the class path: the {@code terrace} health indicator
 * ({@link TerraceHealthIndicator}).
 */
@AutoConfiguration(afterName = "org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration")
// The other line's types by name: a class literal that does not load drops the whole condition where the class
// is read by reflection (an @Import, a test's context runner) instead of from its bytes.
@ConditionalOnClass(value = TerraceCacheManager.class, name = "org.springframework.boot.actuate.health.HealthIndicator")
public class TerraceHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "terraceHealthIndicator")
    TerraceHealthIndicator terraceHealthIndicator(ObjectProvider<javax.cache.CacheManager> managers) {
        return new TerraceHealthIndicator(managers);
    }
}
