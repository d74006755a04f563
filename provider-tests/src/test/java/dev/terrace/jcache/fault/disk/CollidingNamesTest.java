package dev.terrace.jcache.fault.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.TerraceCachingProvider;
import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 5: cache names whose 32-bit hashes collide ({@code x!!} and {@code x @}) get directories of
 * their own, so after a restart neither cache serves the other's values.
 */
class CollidingNamesTest {

    private static final URI MANAGER = URI.create("terrace:colliding-names");

    @TempDir
    Path root;

    private CacheManager manager() {
        Properties properties = new Properties();
        properties.setProperty("terrace.stack", "disk");
        properties.setProperty("terrace.l2.path", root.toString());
        return Caching.getCachingProvider(TerraceCachingProvider.class.getName())
                .getCacheManager(MANAGER, getClass().getClassLoader(), properties);
    }

    private static Cache<String, String> cache(CacheManager manager, String name) {
        Cache<String, String> cache = manager.getCache(name);
        return cache != null ? cache : manager.createCache(name, new MutableConfiguration<String, String>());
    }

    @Test
    void namesWithTheSame32BitHashNeverShareAStore() {
        assertThat("x!!".hashCode())
                .as("the two names collide in a 32-bit hash")
                .isEqualTo("x @".hashCode());
        try (CacheManager manager = manager()) {
            cache(manager, "x!!").put("k", "of x!!");
        }
        try (CacheManager manager = manager()) {
            assertThat(cache(manager, "x @").get("k")).as("x @ after a restart").isNull();
            cache(manager, "x @").put("k", "of x @");
        }
        try (CacheManager manager = manager()) {
            assertThat(cache(manager, "x!!").get("k")).isEqualTo("of x!!");
            assertThat(cache(manager, "x @").get("k")).isEqualTo("of x @");
        }
    }
}
