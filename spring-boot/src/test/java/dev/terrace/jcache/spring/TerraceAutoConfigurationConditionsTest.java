package dev.terrace.jcache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.ClassUtils;

/**
 * Which of the auto-configurations apply on this class path (Spring Boot 3.5, with Actuator): those of Boot 3.5
 * and the endpoint, never Boot 4's; without Actuator neither the health indicator nor the endpoint.
 */
class TerraceAutoConfigurationConditionsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withPropertyValues("management.endpoints.web.exposure.include=terrace")
            .withConfiguration(AutoConfigurations.of(
                    TerraceAutoConfiguration.class,
                    TerraceHealthAutoConfiguration.class,
                    TerraceBoot4AutoConfiguration.class,
                    TerraceBoot4HealthAutoConfiguration.class,
                    TerraceEndpointAutoConfiguration.class));

    @Test
    void onSpringBoot35OnlyTheBoot35AutoConfigurationsAndTheEndpointApply() {
        assertThat(ClassUtils.isPresent(
                        "org.springframework.boot.cache.autoconfigure.JCachePropertiesCustomizer", null))
                .as("Boot 4's modules are compiled against, and kept off this test class path")
                .isFalse();
        runner.run(context -> {
            assertThat(context)
                    .hasNotFailed()
                    .hasSingleBean(TerraceHealthIndicator.class)
                    .hasSingleBean(TerraceEndpoint.class)
                    .hasSingleBean(org.springframework.boot.autoconfigure.cache.JCachePropertiesCustomizer.class);
            assertThat(context.getBeanDefinitionNames())
                    .as("no Boot 4 auto-configuration applies (their types would not even load here)")
                    .contains(TerraceAutoConfiguration.class.getName())
                    .doesNotContain(
                            TerraceBoot4AutoConfiguration.class.getName(),
                            TerraceBoot4HealthAutoConfiguration.class.getName());
        });
    }

    @Test
    void withoutActuatorThereIsNeitherHealthIndicatorNorEndpoint() {
        runner.withClassLoader(new FilteredClassLoader(
                        Endpoint.class, org.springframework.boot.actuate.health.HealthIndicator.class))
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(TerraceHealthIndicator.class)
                        .doesNotHaveBean(TerraceEndpoint.class)
                        .hasBean("terraceCacheManagerProperties"));
    }

    @Test
    void theEndpointIsNotCreatedUntilItIsExposed() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TerraceEndpointAutoConfiguration.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TerraceEndpoint.class));
    }
}
