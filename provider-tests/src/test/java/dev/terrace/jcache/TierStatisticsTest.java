package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.internal.management.MBeans;
import dev.terrace.jcache.internal.tier.TierCounters;
import dev.terrace.jcache.internal.tier.TieredStore;
import dev.terrace.jcache.redis.RedisServer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-tier evictions, invalidations and read latency, as the tier MXBeans publish them. */
class TierStatisticsTest {

    @TempDir
    Path disk;

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    private CacheManager heapDisk(String heapEntries, String diskMb) {
        return Caches.manager(
                "terrace.stack",
                "heap+disk",
                "terrace.l1.max-entries",
                heapEntries,
                "terrace.l2.path",
                disk.toString(),
                "terrace.l2.max-size-mb",
                diskMb);
    }

    @SuppressWarnings("unchecked")
    private static TieredStore<Object> tiers(Cache<?, ?> cache) {
        return cache.unwrap(TieredStore.class);
    }

    @Test
    void theHeapTiersEvictionsAndEachTiersReadTimesArePublished() throws Exception {
        try (CacheManager manager = heapDisk("10", "64")) {
            Cache<Integer, String> cache = manager.createCache(
                    "evicting", new MutableConfiguration<Integer, String>().setStatisticsEnabled(true));
            for (int i = 0; i < 100; i++) {
                cache.put(i, "v" + i);
            }
            for (int i = 0; i < 100; i++) {
                assertThat(cache.get(i)).isEqualTo("v" + i);
            }

            ObjectName heap = MBeans.tierObjectName(manager.getURI(), "evicting", "0-heap");
            ObjectName diskTier = MBeans.tierObjectName(manager.getURI(), "evicting", "1-disk");
            assertThat((Long) server.getAttribute(heap, "Evictions"))
                    .as("a heap of 10 entries that was given 100, then read the other 90 back from disk")
                    .isGreaterThanOrEqualTo(90);
            assertThat((Long) server.getAttribute(diskTier, "Evictions"))
                    .as("64 MB hold every entry")
                    .isZero();
            assertThat((Long) server.getAttribute(diskTier, "TimedGets"))
                    .as("every read the heap missed went to disk, timed")
                    .isEqualTo((Long) server.getAttribute(diskTier, "Hits"))
                    .isPositive();
            assertThat((Float) server.getAttribute(diskTier, "AverageGetTime")).isPositive();
            assertThat((Long) server.getAttribute(heap, "Invalidations")).isZero();
        }
    }

    @Test
    void readsAreOnlyTimedWhileStatisticsAreOn() {
        try (CacheManager manager = heapDisk("10", "64")) {
            Cache<Integer, String> cache = manager.createCache("untimed", new MutableConfiguration<>());
            cache.put(1, "one");
            cache.get(1);
            cache.get(2);
            TierCounters counters = tiers(cache).counters();
            assertThat(counters.hits(0))
                    .as("counts are kept without statistics")
                    .isEqualTo(1);
            assertThat(counters.timedGets(0) + counters.timedGets(1)).isZero();

            manager.enableStatistics("untimed", true);
            cache.get(1);
            assertThat(counters.timedGets(0)).isEqualTo(1);
            assertThat(counters.meanGetNanos(0)).isPositive();
        }
    }

    @Test
    void nearCopiesOfEntriesTheDiskEvictsAreCountedAsInvalidations() {
        try (CacheManager manager = heapDisk("100000", "1")) {
            Cache<Integer, byte[]> cache = manager.createCache("spilling", new MutableConfiguration<>());
            for (int i = 0; i < 2_000; i++) {
                cache.put(i, new byte[1_000]);
            }
            TieredStore<Object> tiers = tiers(cache);
            long diskEvictions = tiers.evictions(1);
            assertThat(diskEvictions).as("2 MB written to a 1 MB store").isPositive();
            assertThat(tiers.counters().invalidations(0))
                    .as("each entry the disk evicted took its heap copy with it")
                    .isEqualTo(diskEvictions);
            assertThat(tiers.evictions(0)).isZero();
        }
    }

    @Test
    void aChangeMadeByAnotherProcessCountsAsAnInvalidationOfTheNearCopy() {
        try (RedisServer redis = RedisServer.start();
                CacheManager here = redisManager(redis);
                CacheManager elsewhere = redisManager(redis)) {
            Cache<String, String> reader = here.createCache("shared", new MutableConfiguration<>());
            Cache<String, String> writer = elsewhere.createCache("shared", new MutableConfiguration<>());
            TierCounters counters = tiers(reader).counters();
            assertThat(counters.clears(0))
                    .as("a new cache over Redis drops near copies that may predate it")
                    .isEqualTo(1);

            writer.put("k", "v1");
            assertThat(reader.get("k")).isEqualTo("v1");
            long before = counters.invalidations(0);
            writer.put("k", "v2");

            await().atMost(10, TimeUnit.SECONDS).until(() -> counters.invalidations(0) > before);
            assertThat(reader.get("k")).isEqualTo("v2");
            assertThat(counters.invalidations(1))
                    .as("the authority holds no copies")
                    .isZero();
        }
    }

    private CacheManager redisManager(RedisServer redis) {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", "heap+redis");
        settings.setProperty("terrace.l3.address", redis.address());
        // Another class loader gives another manager, with its own Redis connection, for the same URI.
        ClassLoader loader = new URLClassLoader(new URL[0], getClass().getClassLoader());
        return Caches.provider().getCacheManager(URI.create("terrace:tier-statistics"), loader, settings);
    }
}
