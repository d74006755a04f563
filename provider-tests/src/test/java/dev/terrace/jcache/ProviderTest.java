package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.Test;

class ProviderTest {

    @Test
    void isTheProviderJCacheFindsWhenItIsTheOnlyOneOnTheClassPath() {
        CachingProvider provider = Caching.getCachingProvider();

        assertThat(provider).isInstanceOf(TerraceCachingProvider.class);
        assertThat(Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider"))
                .isSameAs(provider);
        assertThat(provider.isSupported(OptionalFeature.STORE_BY_REFERENCE)).isTrue();
    }

    @Test
    void keepsOneManagerPerUriAndClassLoaderUntilItIsClosed() {
        CachingProvider provider = Caches.provider();
        URI uri = URI.create("terrace:provider-test");
        ClassLoader loader = getClass().getClassLoader();

        CacheManager first = provider.getCacheManager(uri, loader);
        assertThat(provider.getCacheManager(uri, loader)).isSameAs(first);
        assertThat(provider.getCacheManager(URI.create("terrace:other"), loader))
                .isNotSameAs(first);

        first.close();
        CacheManager second = provider.getCacheManager(uri, loader);
        assertThat(second).isNotSameAs(first);
        assertThat(second.isClosed()).isFalse();
        second.close();
    }

    @Test
    void anUnknownTierStackFailsNamingTheSettingAndTheAllowedValues() {
        assertThatThrownBy(() -> Caches.manager("terrace.stack", "floppy"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("floppy")
                .hasMessageContaining("heap");
    }

    @Test
    void aNonPositiveHeapBoundFailsNamingTheSetting() {
        assertThatThrownBy(() -> Caches.manager("terrace.l1.max-entries", "0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("terrace.l1.max-entries");
        assertThatThrownBy(() -> Caches.manager("terrace.l1.max-entries", "many"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("many");
    }
}
