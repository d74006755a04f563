package dev.terrace.jcache.spring;

import dev.terrace.jcache.TerraceCachingProvider;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.cache.autoconfigure.JCachePropertiesCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Spring Boot 4: what {@link TerraceAutoConfiguration} does on Spring Boot 3.5, through the customizer that
 * Spring Boot 4 moved to its {@code spring-boot-cache} module. Only one of the two applies: each needs its own
 * line's customizer on the class path.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
// The other line's types by name: a class literal that does not load drops the whole condition where the class
// is read by reflection (an @Import, a test's context runner) instead of from its bytes.
@ConditionalOnClass(
        value = TerraceCachingProvider.class,
        name = "org.springframework.boot.cache.autoconfigure.JCachePropertiesCustomizer")
public class TerraceBoot4AutoConfiguration {

    @Bean
    JCachePropertiesCustomizer terraceCacheManagerProperties(Environment environment, BeanFactory beanFactory) {
        return properties -> TerraceManagerProperties.customize(properties, environment, beanFactory);
    }
}
