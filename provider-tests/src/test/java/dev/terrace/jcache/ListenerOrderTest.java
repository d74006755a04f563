package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.processor.EntryProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Events of one key reach a listener in the order the key changed, even when threads race on the key. */
class ListenerOrderTest {

    private static final int THREADS = 4;
    private static final int INCREMENTS = 1_000;
    private static final int KEYS = 3;

    private final CacheManager manager = Caches.manager();

    @AfterEach
    void close() {
        manager.close();
    }

    @ParameterizedTest(name = "synchronous listener: {0}")
    @ValueSource(booleans = {true, false})
    void eventsOfAKeyArriveInTheOrderOfItsChanges(boolean synchronous) throws Exception {
        Map<String, List<Long>> seen = new ConcurrentHashMap<>();
        MutableConfiguration<String, Long> configuration = new MutableConfiguration<String, Long>()
                .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                        () -> new Recorder(seen), null, false, synchronous));
        Cache<String, Long> cache = manager.createCache("ordered", configuration);
        EntryProcessor<String, Long, Void> increment = (entry, args) -> {
            entry.setValue(entry.exists() ? entry.getValue() + 1 : 1L);
            return null;
        };

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < INCREMENTS; i++) {
                    cache.invoke("key-" + (i % KEYS), increment);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : futures) {
            future.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();

        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
            for (int k = 0; k < KEYS; k++) {
                assertThat(cache.get("key-" + k)).isNotNull();
                assertThat(seen.get("key-" + k))
                        .as("one event per change of key-%d", k)
                        .hasSize(cache.get("key-" + k).intValue());
            }
        });
        for (Map.Entry<String, List<Long>> key : seen.entrySet()) {
            List<Long> values = key.getValue();
            for (int i = 0; i < values.size(); i++) {
                assertThat(values.get(i))
                        .as("event %d of %s carries the value of change %d", i, key.getKey(), i + 1)
                        .isEqualTo(i + 1L);
            }
        }
    }

    private static final class Recorder
            implements CacheEntryCreatedListener<String, Long>, CacheEntryUpdatedListener<String, Long> {
        private final Map<String, List<Long>> seen;

        Recorder(Map<String, List<Long>> seen) {
            this.seen = seen;
        }

        @Override
        public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends Long>> events) {
            record(events);
        }

        @Override
        public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends Long>> events) {
            record(events);
        }

        private void record(Iterable<CacheEntryEvent<? extends String, ? extends Long>> events) {
            for (CacheEntryEvent<? extends String, ? extends Long> event : events) {
                seen.computeIfAbsent(event.getKey(), k -> new CopyOnWriteArrayList<>())
                        .add(event.getValue());
            }
        }
    }
}
