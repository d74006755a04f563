package dev.terrace.benchmarks;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.jcache.configuration.CaffeineConfiguration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;

/**
 * The hit ratio of a bounded L1: the same Zipf key stream, used cache-aside (a miss puts the value), over
 * Terrace's {@code heap} stack, Caffeine's JCache and raw Caffeine, each bounded to the same number of
 * entries. Not a timing: a deterministic count (fixed seed, maintenance run on the calling thread).
 */
final class HitRatioRun {

    static final int KEYS = 100_000;
    static final double EXPONENT = 0.99;
    static final int REQUESTS = 1_000_000;
    static final int BOUND = 1_000;
    static final long SEED = 20_261_125L;

    private HitRatioRun() {}

    /** Each cache's name mapped to its hit ratio (hits / requests) over the stream. */
    static Map<String, Double> run() {
        int[] stream = Zipf.stream(KEYS, EXPONENT, REQUESTS, SEED);
        String[] keys = Zipf.keys(KEYS);
        byte[] value = BenchmarkSupport.value(100);
        Map<String, Double> ratios = new LinkedHashMap<>();

        CacheManager terrace = Subjects.terraceManager("heap", null, null, BOUND);
        try {
            Cache<String, byte[]> cache = terrace.createCache("zipf", configuration());
            ratios.put("Terrace heap", ratio(stream, keys, value, cache::get, cache::put));
        } finally {
            terrace.close();
        }

        CachingProvider caffeineProvider = Caching.getCachingProvider(Subjects.CAFFEINE);
        CacheManager caffeineManager =
                caffeineProvider.getCacheManager(caffeineProvider.getDefaultURI(), HitRatioRun.class.getClassLoader());
        CaffeineConfiguration<String, byte[]> bounded = new CaffeineConfiguration<String, byte[]>()
                .setTypes(String.class, byte[].class)
                .setStatisticsEnabled(false)
                .setManagementEnabled(false)
                .setMaximumSize(OptionalLong.of(BOUND));
        // Eviction on the calling thread, as Terrace's heap tier does it, so the count is deterministic.
        bounded.setExecutorFactory((Factory<Executor>) () -> Runnable::run);
        Cache<String, byte[]> caffeineJCache = caffeineManager.createCache("zipf-" + UUID.randomUUID(), bounded);
        try {
            ratios.put("Caffeine JCache", ratio(stream, keys, value, caffeineJCache::get, caffeineJCache::put));
        } finally {
            caffeineManager.destroyCache(caffeineJCache.getName());
        }

        com.github.benmanes.caffeine.cache.Cache<String, byte[]> raw =
                Caffeine.newBuilder().maximumSize(BOUND).executor(Runnable::run).build();
        ratios.put("raw Caffeine", ratio(stream, keys, value, raw::getIfPresent, raw::put));
        return ratios;
    }

    private static MutableConfiguration<String, byte[]> configuration() {
        return new MutableConfiguration<String, byte[]>()
                .setTypes(String.class, byte[].class)
                .setStatisticsEnabled(false)
                .setManagementEnabled(false);
    }

    private static double ratio(
            int[] stream,
            String[] keys,
            byte[] value,
            Function<String, byte[]> get,
            java.util.function.BiConsumer<String, byte[]> put) {
        long hits = 0;
        for (int rank : stream) {
            String key = keys[rank];
            if (get.apply(key) != null) {
                hits++;
            } else {
                put.accept(key, value);
            }
        }
        return (double) hits / stream.length;
    }
}
