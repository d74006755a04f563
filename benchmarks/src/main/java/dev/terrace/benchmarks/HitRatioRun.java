package dev.terrace.benchmarks;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.jcache.configuration.CaffeineConfiguration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;

/**
 * The hit ratio of a bounded L1: the same Zipf key stream, used cache-aside (a miss puts the value), over
 * Terrace's {@code heap} stack, Caffeine's JCache and raw Caffeine, each bounded to the same number of
 * entries and each maintained the way it is by default (Caffeine: on the common fork-join pool; Terrace: reads
 * in the background, writes inline). Not a timing. Caffeine's admission has a little random jitter, so each
 * cache runs the stream {@link #ROUNDS} times, each time fresh, and the mean and range are compared.
 */
final class HitRatioRun {

    static final int KEYS = 100_000;
    static final double EXPONENT = 0.99;
    static final int REQUESTS = 1_000_000;
    static final int BOUND = 1_000;
    static final long SEED = 20_261_125L;
    static final int ROUNDS = 10;

    /** The hit ratios of one cache's rounds. */
    record HitRatio(double[] rounds) {
        double mean() {
            return Arrays.stream(rounds).average().orElse(Double.NaN);
        }

        double min() {
            return Arrays.stream(rounds).min().orElse(Double.NaN);
        }

        double max() {
            return Arrays.stream(rounds).max().orElse(Double.NaN);
        }
    }

    private HitRatioRun() {}

    /** Prints the hit ratios, for a run of this measurement alone. */
    public static void main(String[] args) {
        run().forEach((name, ratio) -> System.out.printf(
                Locale.ROOT, "%-16s mean %.4f  range %.4f-%.4f%n", name, ratio.mean(), ratio.min(), ratio.max()));
    }

    /** Each cache's name mapped to its hit ratios (hits / requests) over the stream. */
    static Map<String, HitRatio> run() {
        int[] stream = Zipf.stream(KEYS, EXPONENT, REQUESTS, SEED);
        String[] keys = Zipf.keys(KEYS);
        byte[] value = BenchmarkSupport.value(100);
        double[] terrace = new double[ROUNDS];
        double[] caffeineJCache = new double[ROUNDS];
        double[] rawCaffeine = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            terrace[round] = terraceRound(stream, keys, value);
            caffeineJCache[round] = caffeineJCacheRound(stream, keys, value);
            com.github.benmanes.caffeine.cache.Cache<String, byte[]> raw =
                    Caffeine.newBuilder().maximumSize(BOUND).build();
            rawCaffeine[round] = ratio(stream, keys, value, raw::getIfPresent, raw::put);
        }
        Map<String, HitRatio> ratios = new LinkedHashMap<>();
        ratios.put("Terrace heap", new HitRatio(terrace));
        ratios.put("Caffeine JCache", new HitRatio(caffeineJCache));
        ratios.put("raw Caffeine", new HitRatio(rawCaffeine));
        return ratios;
    }

    private static double terraceRound(int[] stream, String[] keys, byte[] value) {
        CacheManager terrace = Subjects.terraceManager("heap", null, null, BOUND);
        try {
            Cache<String, byte[]> cache = terrace.createCache("zipf", configuration());
            return ratio(stream, keys, value, cache::get, cache::put);
        } finally {
            terrace.close();
        }
    }

    private static double caffeineJCacheRound(int[] stream, String[] keys, byte[] value) {
        CachingProvider caffeineProvider = Caching.getCachingProvider(Subjects.CAFFEINE);
        CacheManager caffeineManager =
                caffeineProvider.getCacheManager(caffeineProvider.getDefaultURI(), HitRatioRun.class.getClassLoader());
        CaffeineConfiguration<String, byte[]> bounded = new CaffeineConfiguration<String, byte[]>()
                .setTypes(String.class, byte[].class)
                .setStatisticsEnabled(false)
                .setManagementEnabled(false)
                .setMaximumSize(OptionalLong.of(BOUND));
        Cache<String, byte[]> cache = caffeineManager.createCache("zipf-" + UUID.randomUUID(), bounded);
        try {
            return ratio(stream, keys, value, cache::get, cache::put);
        } finally {
            caffeineManager.destroyCache(cache.getName());
        }
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
