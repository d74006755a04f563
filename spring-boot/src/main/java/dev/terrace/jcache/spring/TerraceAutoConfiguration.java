package dev.terrace.jcache.spring;

import dev.terrace.jcache.TerraceCachingProvider;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.cache.JCachePropertiesCustomizer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Spring Boot 3.5: makes Terrace the application's JCache provider with no code. The {@code terrace.*}
 * properties of the application's configuration ({@code application.yml}, environment, command line) are handed
 * to the cache manager Spring Boot creates, and the application's own packages (Spring Boot's
 * auto-configuration packages, those of {@code @SpringBootApplication}) are allowed in keys and values read back
 * from disk or Redis, in addition to {@code serialization.allow}. Spring Boot 4 moved the customizer this
 * implements; {@link TerraceBoot4AutoConfiguration} does the same there.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration")
// The other line's types by name: a class literal that does not load drops the whole condition where the class
// is read by reflection (an @Import, a test's context runner) instead of from its bytes.
@ConditionalOnClass(
        value = TerraceCachingProvider.class,
        name = "org.springframework.boot.autoconfigure.cache.JCachePropertiesCustomizer")
public class TerraceAutoConfiguration {

    @Bean
    JCachePropertiesCustomizer terraceCacheManagerProperties(Environment environment, BeanFactory beanFactory) {
        return properties -> TerraceManagerProperties.customize(properties, environment, beanFactory);
    }
}
