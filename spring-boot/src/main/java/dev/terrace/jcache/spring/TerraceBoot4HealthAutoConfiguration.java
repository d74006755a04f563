package dev.terrace.jcache.spring;

import dev.terrace.jcache.TerraceCacheManager;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Spring Boot 4 with its health module ({@code spring-boot-health}, which Actuator brings) on the class path:
 * the {@code terrace} health indicator ({@link TerraceBoot4HealthIndicator}).
 */
@AutoConfiguration(afterName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
// The other line's types by name: a class literal that does not load drops the whole condition where the class
// is read by reflection (an @Import, a test's context runner) instead of from its bytes.
@ConditionalOnClass(
        value = TerraceCacheManager.class,
        name = "org.springframework.boot.health.contributor.HealthIndicator")
public class TerraceBoot4HealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "terraceHealthIndicator")
    TerraceBoot4HealthIndicator terraceHealthIndicator(ObjectProvider<javax.cache.CacheManager> managers) {
        return new TerraceBoot4HealthIndicator(managers);
    }
}
