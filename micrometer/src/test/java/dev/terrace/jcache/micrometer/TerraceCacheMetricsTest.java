package dev.terrace.jcache.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.redis.RedisServer;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The binder against a real registry and real caches: the meters read what the caches did. */
class TerraceCacheMetricsTest {

    private static final AtomicInteger IDS = new AtomicInteger();

    @TempDir
    Path disk;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private static CachingProvider provider() {
        return Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider");
    }

    private CacheManager heapDisk(String heapEntries, String diskMb) {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", "heap+disk");
        settings.setProperty("terrace.l1.max-entries", heapEntries);
        settings.setProperty("terrace.l2.path", disk.toString());
        settings.setProperty("terrace.l2.max-size-mb", diskMb);
        return provider()
                .getCacheManager(
                        URI.create("terrace:metrics-" + IDS.incrementAndGet()),
                        getClass().getClassLoader(),
                        settings);
    }

    private RequiredSearch meter(String name, String cache) {
        return registry.get(name).tag("cache", cache);
    }

    @Test
    void theCacheMetersFollowTheJCacheStatistics() {
        try (CacheManager manager = heapDisk("1000", "64")) {
            Cache<String, String> cache = TerraceCacheMetrics.monitor(
                    registry,
                    manager.createCache("users", new MutableConfiguration<String, String>().setStatisticsEnabled(true)),
                    "app",
                    "demo");
            cache.put("a", "1");
            cache.put("b", "2");
            cache.get("a");
            cache.get("a");
            cache.get("missing");
            cache.remove("b");

            assertThat(meter("cache.gets", "users")
                            .tag("result", "hit")
                            .functionCounter()
                            .count())
                    .isEqualTo(2);
            assertThat(meter("cache.gets", "users")
                            .tag("result", "miss")
                            .functionCounter()
                            .count())
                    .isEqualTo(1);
            assertThat(meter("cache.puts", "users").functionCounter().count()).isEqualTo(2);
            assertThat(meter("cache.removals", "users").functionCounter().count())
                    .isEqualTo(1);
            assertThat(meter("cache.evictions", "users").functionCounter().count())
                    .isZero();
            assertThat(meter("cache.size", "users").gauge().value()).isEqualTo(1);
            assertThat(meter("cache.puts", "users")
                            .tag("app", "demo")
                            .tag("cacheManager", manager.getURI().toString())
                            .functionCounter())
                    .as("the caller's tags and the manager's URI ride along")
                    .isNotNull();
        }
    }

    @Test
    void eachTierHasItsOwnGetsEvictionsAndLatency() {
        try (CacheManager manager = heapDisk("10", "64")) {
            Cache<Integer, String> cache = manager.createCache(
                    "tiers", new MutableConfiguration<Integer, String>().setStatisticsEnabled(true));
            new TerraceCacheMetrics(cache, java.util.List.of()).bindTo(registry);
            for (int i = 0; i < 50; i++) {
                cache.put(i, "v" + i);
            }
            for (int i = 0; i < 50; i++) {
                cache.get(i);
            }

            double heapHits = meter("terrace.tier.gets", "tiers")
                    .tag("tier", "heap")
                    .tag("result", "hit")
                    .functionCounter()
                    .count();
            double diskHits = meter("terrace.tier.gets", "tiers")
                    .tag("tier", "disk")
                    .tag("result", "hit")
                    .functionCounter()
                    .count();
            assertThat(heapHits + diskHits)
                    .as("every read was answered by one tier")
                    .isEqualTo(50);
            assertThat(diskHits)
                    .as("a heap of 10 cannot answer most of 50 keys")
                    .isGreaterThanOrEqualTo(40);
            assertThat(meter("terrace.tier.evictions", "tiers")
                            .tag("tier", "heap")
                            .functionCounter()
                            .count())
                    .isGreaterThanOrEqualTo(40);
            assertThat(meter("terrace.tier.size", "tiers")
                            .tag("tier", "heap")
                            .gauge()
                            .value())
                    .isLessThanOrEqualTo(10);
            assertThat(meter("terrace.tier.size", "tiers")
                            .tag("tier", "disk")
                            .gauge()
                            .value())
                    .isEqualTo(50);

            FunctionTimer diskReads = meter("terrace.tier.get.latency", "tiers")
                    .tag("tier", "disk")
                    .functionTimer();
            assertThat(diskReads.count()).isEqualTo(diskHits);
            assertThat(diskReads.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        }
    }

    @Test
    void changesMadeByAnotherProcessShowAsInvalidations() {
        try (RedisServer redis = RedisServer.start();
                CacheManager here = redisManager(redis);
                CacheManager elsewhere = redisManager(redis)) {
            Cache<String, String> reader = here.createCache("shared", new MutableConfiguration<>());
            Cache<String, String> writer = elsewhere.createCache("shared", new MutableConfiguration<>());
            TerraceCacheMetrics.monitor(registry, reader);

            writer.put("k", "v1");
            assertThat(reader.get("k")).isEqualTo("v1");
            writer.put("k", "v2");

            await().atMost(10, TimeUnit.SECONDS)
                    .until(() -> meter("terrace.tier.invalidations", "shared")
                                    .tag("tier", "heap")
                                    .functionCounter()
                                    .count()
                            >= 1);
            assertThat(registry.find("cache.size").tag("cache", "shared").gauge())
                    .as("counting a Redis tier's entries would scan its keys at every scrape")
                    .isNull();
            assertThat(registry.find("terrace.tier.size").tag("tier", "redis").gauge())
                    .isNull();
            assertThat(meter("terrace.tier.clears", "shared")
                            .tag("tier", "heap")
                            .functionCounter()
                            .count())
                    .as("near copies dropped once when the cache started over Redis")
                    .isEqualTo(1);
        }
    }

    @Test
    void onlyTerraceCachesCanBeBound() {
        @SuppressWarnings("unchecked")
        Cache<String, String> other = (Cache<String, String>) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {Cache.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getName" -> "foreign";
                    case "unwrap" -> throw new IllegalArgumentException("not mine");
                    default -> null;
                });
        assertThatThrownBy(() -> TerraceCacheMetrics.monitor(registry, other))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("foreign")
                .hasMessageContaining("JCacheMetrics");
    }

    private CacheManager redisManager(RedisServer redis) {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", "heap+redis");
        settings.setProperty("terrace.l3.address", redis.address());
        // Another class loader gives another manager, with its own Redis connection, as another process has.
        ClassLoader loader = new URLClassLoader(new URL[0], getClass().getClassLoader());
        return provider().getCacheManager(URI.create("terrace:metrics-redis"), loader, settings);
    }
}
