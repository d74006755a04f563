package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.internal.tier.Tier;
import dev.terrace.jcache.internal.tier.TieredStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: a put on {@code heap+disk} under the eternal policy stores without reading the key's entry from the
 * disk tier, as long as the disk tier holds no entry that expires; an entry an earlier run left with an expiry
 * instant keeps it, as JCache's update under the eternal policy requires.
 */
class BlindDiskPutTest {

    @TempDir
    Path directory;

    private final MutableClock clock = new MutableClock();

    /** The same manager (URI, disk path) each time, so a later one opens the disk stores an earlier one left. */
    private CacheManager manager() {
        Properties properties = new Properties();
        properties.put("terrace.stack", "heap+disk");
        properties.put("terrace.l2.path", directory.toString());
        properties.put("terrace.clock", clock);
        return Caches.provider()
                .getCacheManager(
                        URI.create("terrace:blind-disk-put"), getClass().getClassLoader(), properties);
    }

    private static Tier<?> diskOf(Cache<?, ?> cache) {
        TieredStore<?> store = cache.unwrap(TieredStore.class);
        return store.authority();
    }

    @Test
    void anEternalCacheOnADiskHoldingNothingThatExpiresPutsBlindlyAndKeepsEveryValue() {
        try (CacheManager manager = manager()) {
            Cache<String, String> cache = manager.createCache("blind", new MutableConfiguration<>());
            assertThat(diskOf(cache).takesBlindPuts())
                    .as("nothing on disk expires")
                    .isTrue();
            cache.put("k", "first");
            assertThat(cache.get("k")).isEqualTo("first");
            cache.put("k", "second");
            assertThat(cache.get("k")).as("the near copy follows the blind put").isEqualTo("second");
            for (int i = 0; i < 100; i++) {
                cache.put("key-" + i, "value " + i);
            }
        }
        try (CacheManager manager = manager()) {
            Cache<String, String> cache = manager.createCache("blind", new MutableConfiguration<>());
            assertThat(cache.get("k")).as("read from disk after a restart").isEqualTo("second");
            assertThat(cache.get("key-99")).isEqualTo("value 99");
            assertThat(diskOf(cache).takesBlindPuts()).isTrue();
        }
    }

    @Test
    void anEntryAnEarlierRunLeftWithAnExpiryKeepsItWhenAnEternalCachePutsOverIt() {
        try (CacheManager manager = manager()) {
            manager.createCache(
                            "mixed",
                            new MutableConfiguration<String, String>()
                                    .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(
                                            new javax.cache.expiry.Duration(TimeUnit.MINUTES, 1))))
                    .put("k", "expiring");
        }
        try (CacheManager manager = manager()) {
            Cache<String, String> cache = manager.createCache("mixed", new MutableConfiguration<>());
            assertThat(diskOf(cache).takesBlindPuts())
                    .as("the store holds an entry that expires")
                    .isFalse();
            cache.put("k", "updated");
            cache.put("other", "eternal");
            assertThat(cache.get("k")).isEqualTo("updated");
            clock.advance(Duration.ofMinutes(2));
            assertThat(cache.get("k"))
                    .as("an update under the eternal policy keeps the entry's expiry instant")
                    .isNull();
            assertThat(cache.get("other")).isEqualTo("eternal");

            cache.clear();
            assertThat(diskOf(cache).takesBlindPuts())
                    .as("a cleared store holds nothing that expires")
                    .isTrue();
        }
    }

    @Test
    void aDiskTierThatCapsLifetimesNeverPutsBlindly() {
        try (CacheManager manager = Caches.manager(
                "terrace.stack",
                "heap+disk",
                "terrace.l2.path",
                directory.toString(),
                "terrace.l2.ttl-seconds",
                "600",
                "terrace.clock",
                clock)) {
            Cache<String, String> cache = manager.createCache("capped", new MutableConfiguration<>());
            assertThat(diskOf(cache).takesBlindPuts()).isFalse();
        }
    }
}
