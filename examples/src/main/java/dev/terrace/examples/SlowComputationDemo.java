package dev.terrace.examples;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.spi.CachingProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caches the results of a slow computation (prime factorization made to cost about 20 ms a call) through the
 * plain JCache API, and reports what the cache saved. Apart from the name of one cache manager property, nothing
 * here is specific to Terrace.
 *
 * <p>It demonstrates:
 *
 * <ol>
 *   <li><b>the baseline</b>: a workload that asks for the same numbers again and again, computed every time;
 *   <li><b>cache-aside</b>: the same workload, the caller doing {@code get}, and on a miss computing and
 *       {@code put}ting the result;
 *   <li><b>read-through</b>: the same workload, the cache calling a {@link CacheLoader} on a miss;
 *   <li><b>eviction</b>: a scan of more distinct numbers than the heap tier may hold, which Terrace bounds per
 *       cache with the cache manager property {@value #HEAP_BOUND_PROPERTY};
 *   <li><b>statistics</b>: hits, misses, puts, evictions and average get time, read from each cache's standard
 *       statistics MXBean over JMX (see {@link CacheStats}).
 * </ol>
 */
public final class SlowComputationDemo {

    /** Terrace's cache manager property bounding the heap tier of each cache, in entries. */
    public static final String HEAP_BOUND_PROPERTY = "terrace.l1.max-entries";

    private static final Logger LOG = LoggerFactory.getLogger(SlowComputationDemo.class);
    private static final URI MANAGER_URI = URI.create("terrace:slow-computation-demo");
    private static final long FIRST_NUMBER = 1_000_000_000L;
    private static final long FIRST_SCANNED_NUMBER = 2_000_000_000L;

    /**
     * How large a run is.
     *
     * @param requests how many numbers the workload asks for
     * @param distinctKeys how many different numbers among them; the rest are repeats
     * @param scanKeys how many distinct numbers the eviction scan pushes through a cache
     * @param heapBound the most entries each cache's heap tier holds
     * @param computeTime what one call of the slow function costs
     */
    public record Settings(int requests, int distinctKeys, int scanKeys, int heapBound, Duration computeTime) {

        /** About three seconds of work. */
        public static final Settings DEFAULT = new Settings(60, 12, 75, 50, Duration.ofMillis(20));
    }

    private SlowComputationDemo() {}

    public static void main(String[] args) {
        System.out.print(run(Settings.DEFAULT).format());
    }

    /** Runs every phase with {@code settings} and returns the measurements. */
    public static Report run(Settings settings) {
        Factorizer factorizer = new Factorizer(settings.computeTime());
        List<Long> workload = workload(settings.requests(), settings.distinctKeys());
        List<Long> scan = new ArrayList<>();
        for (int i = 0; i < settings.scanKeys(); i++) {
            scan.add(FIRST_SCANNED_NUMBER + i);
        }

        Properties properties = new Properties();
        properties.setProperty(HEAP_BOUND_PROPERTY, Integer.toString(settings.heapBound()));
        CachingProvider provider = Caching.getCachingProvider();
        List<Report.Phase> phases = new ArrayList<>();
        try (CacheManager manager =
                provider.getCacheManager(MANAGER_URI, SlowComputationDemo.class.getClassLoader(), properties)) {
            warmUp(manager);
            phases.add(measure("uncached", workload, factorizer, null, factorizer::factorize));

            Cache<Long, Factorization> aside = manager.createCache("cache-aside", configuration());
            phases.add(measure("cache-aside", workload, factorizer, aside, cacheAside(aside, factorizer)));

            Cache<Long, Factorization> readThrough = manager.createCache(
                    "read-through",
                    configuration().setReadThrough(true).setCacheLoaderFactory(() -> loaderOf(factorizer)));
            phases.add(measure("read-through", workload, factorizer, readThrough, readThrough::get));

            Cache<Long, Factorization> scanned = manager.createCache("scan", configuration());
            phases.add(measure("scan", scan, factorizer, scanned, cacheAside(scanned, factorizer)));

            LOG.info("For example {}", aside.get(FIRST_NUMBER));
            return new Report(settings, CacheStats.objectName(MANAGER_URI, "*").toString(), phases);
        }
    }

    /**
     * The configuration every cache starts from: typed keys and values, statistics on, and entries nobody has
     * read for five minutes expire. A {@link Factorization} is immutable, so the cache may keep and hand out the
     * very object it was given: store-by-value, the JCache default, would copy it by serialization on every put
     * and get.
     */
    private static MutableConfiguration<Long, Factorization> configuration() {
        return new MutableConfiguration<Long, Factorization>()
                .setTypes(Long.class, Factorization.class)
                .setStoreByValue(false)
                .setStatisticsEnabled(true)
                .setExpiryPolicyFactory(AccessedExpiryPolicy.factoryOf(javax.cache.expiry.Duration.FIVE_MINUTES));
    }

    /**
     * Runs the cache-aside code path on a throwaway cache, so that class loading and a cold JIT are not counted
     * in the average get times of the first measured cache.
     */
    private static void warmUp(CacheManager manager) {
        Cache<Long, Factorization> cache = manager.createCache("warm-up", configuration());
        Function<Long, Factorization> lookup = cacheAside(cache, new Factorizer(Duration.ZERO));
        for (int i = 0; i < 2_000; i++) {
            lookup.apply(2L + i % 20);
        }
        manager.destroyCache("warm-up");
    }

    /** Cache-aside: the caller looks in the cache, and on a miss computes the value and puts it there. */
    private static Function<Long, Factorization> cacheAside(Cache<Long, Factorization> cache, Factorizer factorizer) {
        return number -> {
            Factorization result = cache.get(number);
            if (result == null) {
                result = factorizer.factorize(number);
                cache.put(number, result);
            }
            return result;
        };
    }

    /** The slow function as a JCache loader, which a read-through cache calls on a miss. */
    private static CacheLoader<Long, Factorization> loaderOf(Factorizer factorizer) {
        return new CacheLoader<>() {
            @Override
            public Factorization load(Long number) {
                return factorizer.factorize(number);
            }

            @Override
            public Map<Long, Factorization> loadAll(Iterable<? extends Long> numbers) {
                Map<Long, Factorization> loaded = new LinkedHashMap<>();
                numbers.forEach(number -> loaded.put(number, factorizer.factorize(number)));
                return loaded;
            }
        };
    }

    /** Looks up every number of {@code numbers} with {@code lookup}, timing it and counting slow calls. */
    private static Report.Phase measure(
            String name,
            List<Long> numbers,
            Factorizer factorizer,
            Cache<Long, Factorization> cache,
            Function<Long, Factorization> lookup) {
        LOG.info("{}: looking up {} numbers", name, numbers.size());
        long callsBefore = factorizer.calls();
        long start = System.nanoTime();
        for (Long number : numbers) {
            lookup.apply(number);
        }
        long wallNanos = System.nanoTime() - start;
        Report.Phase phase = new Report.Phase(
                name,
                numbers.size(),
                wallNanos,
                factorizer.calls() - callsBefore,
                cache == null ? null : CacheStats.of(cache));
        LOG.info("{}: done in {} ms, {} slow calls", name, phase.wallMillis(), phase.slowCalls());
        return phase;
    }

    /**
     * {@code requests} numbers among {@code distinctKeys} different ones, in a fixed pseudo-random order: each
     * number once, then repeats skewed towards a few hot numbers, as real traffic is.
     */
    static List<Long> workload(int requests, int distinctKeys) {
        Random random = new Random(42);
        List<Long> numbers = new ArrayList<>(requests);
        for (int i = 0; i < requests; i++) {
            double r = random.nextDouble();
            numbers.add(FIRST_NUMBER + (i < distinctKeys ? i : (long) (r * r * distinctKeys)));
        }
        Collections.shuffle(numbers, random);
        return numbers;
    }
}
