package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.processor.EntryProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several threads put, get, invoke and remove on a few shared keys; afterwards the counters that only entry
 * processors incremented hold every increment, and the statistics equal what the threads did.
 */
class ConcurrencyTest {

    private static final int THREADS = 4;
    private static final int OPERATIONS = 5_000;
    private static final int SHARED_KEYS = 8;
    private static final int COUNTER_KEYS = 4;

    private final CacheManager manager = Caches.manager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void concurrentOperationsLoseNoUpdateAndStatisticsAddUp() throws Exception {
        Cache<String, Long> cache = manager.createCache(
                "concurrent",
                new MutableConfiguration<String, Long>()
                        .setTypes(String.class, Long.class)
                        .setStatisticsEnabled(true));
        EntryProcessor<String, Long, Long> increment = (entry, args) -> {
            long next = entry.exists() ? entry.getValue() + 1 : 1;
            entry.setValue(next);
            return next;
        };
        AtomicLong gets = new AtomicLong();
        AtomicLong puts = new AtomicLong();
        AtomicLong removals = new AtomicLong();
        long[][] incrementsPerThread = new long[THREADS][COUNTER_KEYS];

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                start.await();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < OPERATIONS; i++) {
                    String shared = "shared-" + random.nextInt(SHARED_KEYS);
                    switch (random.nextInt(4)) {
                        case 0 -> {
                            cache.get(shared);
                            gets.incrementAndGet();
                        }
                        case 1 -> {
                            cache.put(shared, (long) i);
                            puts.incrementAndGet();
                        }
                        case 2 -> {
                            if (cache.remove(shared)) {
                                removals.incrementAndGet();
                            }
                        }
                        default -> {
                            int counter = random.nextInt(COUNTER_KEYS);
                            cache.invoke("counter-" + counter, increment);
                            incrementsPerThread[thread][counter]++;
                            gets.incrementAndGet();
                            puts.incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : futures) {
            future.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();

        for (int counter = 0; counter < COUNTER_KEYS; counter++) {
            long expected = 0;
            for (int t = 0; t < THREADS; t++) {
                expected += incrementsPerThread[t][counter];
            }
            assertThat(cache.get("counter-" + counter))
                    .as("counter %d holds every increment of every thread", counter)
                    .isEqualTo(expected == 0 ? null : expected);
            gets.incrementAndGet();
        }
        TerraceCache<?, ?> terrace = cache.unwrap(TerraceCache.class);
        assertThat(terrace.statistics().getCacheGets()).as("gets").isEqualTo(gets.get());
        assertThat(terrace.statistics().getCacheHits() + terrace.statistics().getCacheMisses())
                .isEqualTo(gets.get());
        assertThat(terrace.statistics().getCachePuts()).as("puts").isEqualTo(puts.get());
        assertThat(terrace.statistics().getCacheRemovals()).as("removals").isEqualTo(removals.get());
        assertThat(terrace.statistics().getCacheEvictions()).isZero();
    }
}
