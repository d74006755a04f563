package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The heap tier's size bound, seen through the JCache API and its statistics. */
class EvictionTest {

    private final CacheManager manager = Caches.manager("terrace.l1.max-entries", "100");

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void staysWithinTheBoundAndCountsEveryEviction() {
        Cache<Integer, String> cache = manager.createCache(
                "bounded",
                new MutableConfiguration<Integer, String>()
                        .setTypes(Integer.class, String.class)
                        .setStatisticsEnabled(true));

        for (int i = 0; i < 1_000; i++) {
            cache.put(i, "value-" + i);
        }
        TerraceCache<?, ?> terrace = cache.unwrap(TerraceCache.class);
        AtomicInteger held = new AtomicInteger();
        cache.forEach(entry -> held.incrementAndGet());

        assertThat(held.get()).as("entries held by a cache bounded at 100").isBetween(1, 100);
        assertThat(terrace.statistics().getCacheEvictions())
                .as("every entry that was put and is gone was evicted")
                .isEqualTo(1_000 - held.get());
        assertThat(terrace.statistics().getCachePuts()).isEqualTo(1_000);
    }

    @Test
    void evictedEntriesAreMissesAndTheRestAreHits() {
        Cache<Integer, String> cache =
                manager.createCache("hits", new MutableConfiguration<Integer, String>().setStatisticsEnabled(true));
        for (int i = 0; i < 500; i++) {
            cache.put(i, "v");
        }

        int found = 0;
        for (int i = 0; i < 500; i++) {
            if (cache.get(i) != null) {
                found++;
            }
        }

        TerraceCache<?, ?> terrace = cache.unwrap(TerraceCache.class);
        assertThat(terrace.statistics().getCacheHits()).isEqualTo(found);
        assertThat(terrace.statistics().getCacheMisses()).isEqualTo(500 - found);
        assertThat(terrace.statistics().getCacheEvictions()).isEqualTo(500 - found);
    }

    @Test
    void evictionsAreCountedEvenWhileStatisticsAreOff() {
        Cache<Integer, String> cache = manager.createCache("quiet", new MutableConfiguration<>());
        for (int i = 0; i < 300; i++) {
            cache.put(i, "v");
        }

        assertThat(cache.unwrap(TerraceCache.class).statistics().getCacheEvictions())
                .isGreaterThanOrEqualTo(200);
    }
}
