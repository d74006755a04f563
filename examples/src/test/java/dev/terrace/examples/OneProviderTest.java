package dev.terrace.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.TerraceCachingProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.Test;

/**
 * This module is a consumer build with Terrace as its only cache dependency: it must see exactly one JCache
 * provider, although Terrace carries Redisson, whose jar registers a provider of its own.
 */
class OneProviderTest {

    @Test
    void anApplicationThatDependsOnTerraceAloneSeesExactlyOneProvider() {
        List<String> providers = new ArrayList<>();
        ServiceLoader.load(CachingProvider.class)
                .forEach(provider -> providers.add(provider.getClass().getName()));

        assertThat(providers).containsExactly(TerraceCachingProvider.class.getName());
        assertThat(Caching.getCachingProvider()).isInstanceOf(TerraceCachingProvider.class);
    }
}
