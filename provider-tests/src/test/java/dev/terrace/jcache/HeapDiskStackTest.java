package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.internal.tier.HeapTier;
import dev.terrace.jcache.internal.tier.TieredStore;
import dev.terrace.jcache.internal.tier.disk.DiskTier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The heap tier over the disk tier, seen through the JCache API. */
class HeapDiskStackTest {

    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock();

    private CacheManager manager(String heapEntries, String diskMb) {
        return Caches.manager(
                "terrace.stack", "heap+disk",
                "terrace.l2.path", root.toString(),
                "terrace.l1.max-entries", heapEntries,
                "terrace.l2.max-size-mb", diskMb,
                "terrace.clock", clock);
    }

    @SuppressWarnings("unchecked")
    private static TieredStore<Object> tiers(Cache<?, ?> cache) {
        return (TieredStore<Object>) cache.unwrap(TieredStore.class);
    }

    @Test
    void anEntryEvictedFromTheHeapIsReadFromDiskAndPromotedBack() {
        try (CacheManager manager = manager("10", "64")) {
            Cache<Integer, String> cache = manager.createCache(
                    "promote", new MutableConfiguration<Integer, String>().setStatisticsEnabled(true));
            for (int i = 0; i < 100; i++) {
                cache.put(i, "v" + i);
            }
            TieredStore<Object> tiers = tiers(cache);
            HeapTier<Object> heap = (HeapTier<Object>) tiers.tiers().get(0);
            heap.cleanUp();
            assertThat(heap.size()).as("heap bounded at 10 entries").isLessThanOrEqualTo(10);
            assertThat(tiers.authority().size())
                    .as("the disk holds every entry")
                    .isEqualTo(100);

            for (int i = 0; i < 100; i++) {
                assertThat(cache.get(i)).isEqualTo("v" + i);
            }
            assertThat(tiers.hits(1)).as("reads answered by the disk").isGreaterThanOrEqualTo(90);
            assertThat(tiers.hits(0) + tiers.hits(1)).isEqualTo(100);
            assertThat(tiers.misses(1)).as("disk misses").isZero();

            assertThat(cache.get(99)).isEqualTo("v99");
            assertThat(heap.get(99))
                    .as("the last read was promoted into the heap")
                    .isNotNull();
            TerraceCache<?, ?> terrace = cache.unwrap(TerraceCache.class);
            assertThat(terrace.statistics().getCacheHits()).isEqualTo(101);
            assertThat(terrace.statistics().getCacheEvictions())
                    .as("heap evictions are not cache evictions: the disk still holds the entries")
                    .isZero();
        }
    }

    @Test
    void writesAndRemovalsReachBothTiers() {
        try (CacheManager manager = manager("100", "64")) {
            Cache<String, String> cache = manager.createCache("both", new MutableConfiguration<>());
            cache.put("k", "v1");
            cache.get("k");
            cache.put("k", "v2");

            TieredStore<Object> tiers = tiers(cache);
            assertThat(tiers.tiers().get(0).get("k").value()).isEqualTo("v2");
            assertThat(tiers.authority().get("k").value()).isEqualTo("v2");

            cache.remove("k");
            assertThat(tiers.tiers().get(0).get("k")).isNull();
            assertThat(tiers.authority().get("k")).isNull();
        }
    }

    @Test
    void anEntryThatExpiredWhileTheProcessWasDownIsNeverServed() {
        MutableConfiguration<String, String> configuration = new MutableConfiguration<String, String>()
                .setExpiryPolicyFactory(
                        CreatedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(TimeUnit.MINUTES, 1)));
        CacheManager first = manager("100", "64");
        first.createCache("down", configuration).put("k", "v");
        first.createCache("kept", new MutableConfiguration<String, String>()).put("k", "v");
        first.close();

        clock.advance(Duration.ofMinutes(2));

        try (CacheManager second =
                Caches.provider().getCacheManager(first.getURI(), getClass().getClassLoader(), first.getProperties())) {
            Cache<String, String> expired = second.createCache("down", configuration);
            assertThat(expired.get("k"))
                    .as("expired while the process was down")
                    .isNull();
            assertThat(expired.iterator().hasNext()).isFalse();
            assertThat(second.createCache("kept", new MutableConfiguration<String, String>())
                            .get("k"))
                    .as("an eternal entry survives the restart")
                    .isEqualTo("v");
        }
    }

    @Test
    void theDiskStaysWithinItsBoundAndCountsEvictions() {
        try (CacheManager manager = manager("100", "4")) {
            Cache<Integer, byte[]> cache = manager.createCache(
                    "bounded", new MutableConfiguration<Integer, byte[]>().setStatisticsEnabled(true));
            DiskTier<?> disk = (DiskTier<?>) tiers(cache).authority();
            long maxSeen = 0;
            for (int i = 0; i < 40_000; i++) {
                cache.put(i, new byte[1_000]);
                if (i % 2_000 == 0) {
                    maxSeen = Math.max(maxSeen, disk.diskBytes());
                }
            }
            AtomicInteger held = new AtomicInteger();
            cache.forEach(entry -> held.incrementAndGet());

            long bound = 4L * 1024 * 1024;
            assertThat(Math.max(maxSeen, disk.diskBytes()))
                    .as("bytes on disk under 40 MB written to a 4 MB store")
                    .isLessThanOrEqualTo(bound * 11 / 10);
            TerraceCache<?, ?> terrace = cache.unwrap(TerraceCache.class);
            assertThat(terrace.statistics().getCacheEvictions())
                    .as("every entry put and no longer held was evicted")
                    .isEqualTo(40_000 - held.get());
            assertThat(cache.get(39_999)).as("the newest entry is kept").isNotNull();
        }
    }

    @Test
    void theDiskTimeToLiveCapsHowLongAnEntryLivesWhateverThePolicySays() {
        try (CacheManager manager = Caches.manager(
                "terrace.stack",
                "heap+disk",
                "terrace.l2.path",
                root.toString(),
                "terrace.l2.ttl-seconds",
                "60",
                "terrace.clock",
                clock)) {
            Cache<String, String> cache = manager.createCache("capped", new MutableConfiguration<>());
            cache.put("k", "v");

            clock.advance(Duration.ofSeconds(59));
            assertThat(cache.get("k")).isEqualTo("v");
            clock.advance(Duration.ofSeconds(1));
            assertThat(cache.get("k"))
                    .as("60 s after the write, with an eternal expiry policy")
                    .isNull();
        }
    }

    @Test
    void eachTiersHitsAndMissesArePublishedOverJmxWhileStatisticsAreOn() throws Exception {
        try (CacheManager manager = manager("10", "64")) {
            Cache<Integer, String> cache =
                    manager.createCache("jmx", new MutableConfiguration<Integer, String>().setStatisticsEnabled(true));
            for (int i = 0; i < 100; i++) {
                cache.put(i, "v" + i);
            }
            for (int i = 0; i < 100; i++) {
                cache.get(i);
            }
            cache.get(1_000);

            javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
            javax.management.ObjectName disk =
                    dev.terrace.jcache.internal.management.MBeans.tierObjectName(manager.getURI(), "jmx", "1-disk");
            TieredStore<Object> tiers = tiers(cache);
            assertThat((Long) server.getAttribute(disk, "Hits"))
                    .isEqualTo(tiers.hits(1))
                    .isPositive();
            assertThat((Long) server.getAttribute(disk, "Misses"))
                    .as("the key never put")
                    .isEqualTo(1);

            manager.enableStatistics("jmx", false);
            assertThat(server.isRegistered(disk)).isFalse();
        }
    }
}
