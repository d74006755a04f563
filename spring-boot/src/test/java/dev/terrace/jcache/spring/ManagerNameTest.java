package dev.terrace.jcache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.mock.env.MockEnvironment;

/**
 * Spring hands the cache manager the location of {@code spring.cache.jcache.config} as its URI, which differs
 * with every install directory: the application's name is what its instances share their caches under.
 */
class ManagerNameTest {

    @Test
    void theApplicationsNameIsOfferedAsTheSharedName() {
        Properties properties = new Properties();
        MockEnvironment environment = new MockEnvironment().withProperty("spring.application.name", "bookshop");

        TerraceManagerProperties.customize(properties, environment, new DefaultListableBeanFactory());

        assertThat(properties.getProperty("terrace.application-name")).isEqualTo("bookshop");
    }

    @Test
    void anExplicitSettingIsLeftAsItIs() {
        Properties properties = new Properties();
        MockEnvironment environment = new MockEnvironment()
                .withProperty("spring.application.name", "bookshop")
                .withProperty("terrace.manager-name", "books")
                .withProperty("terrace.application-name", "given");

        TerraceManagerProperties.customize(properties, environment, new DefaultListableBeanFactory());

        assertThat(properties.getProperty("terrace.manager-name")).isEqualTo("books");
        assertThat(properties.getProperty("terrace.application-name")).isEqualTo("given");
    }
}
