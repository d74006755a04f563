package dev.terrace.jcache.spring;

import dev.terrace.jcache.TerraceCacheManager;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * With Actuator on the class path (Spring Boot 3.5 or 4: the endpoint API did not move), the {@code terrace}
 * endpoint ({@link TerraceEndpoint}), available once exposed ({@code management.endpoints.web.exposure.include}).
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration",
            "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration"
        })
// The other line's types by name: a class literal that does not load drops the whole condition where the class
// is read by reflection (an @Import, a test's context runner) instead of from its bytes.
@ConditionalOnClass(
        value = TerraceCacheManager.class,
        name = {
            "org.springframework.boot.actuate.endpoint.annotation.Endpoint",
            "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"
        })
public class TerraceEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    TerraceEndpoint terraceEndpoint(ObjectProvider<javax.cache.CacheManager> managers) {
        return new TerraceEndpoint(managers);
    }
}
