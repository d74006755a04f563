package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serializable;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.integration.CacheWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shortcuts of the heap write path (a put that does not read the key, a putIfAbsent that answers a live
 * entry without the key's lock) are taken only where nothing needs what they skip: each case here needs it.
 */
class WritePathTest {

    private static final List<String> WRITES = new CopyOnWriteArrayList<>();

    private final MutableClock clock = new MutableClock();
    private final CacheManager manager = Caches.manager("terrace.clock", clock);
    private final List<String> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        manager.close();
        WRITES.clear();
    }

    private MutableConfiguration<String, String> withListener(MutableConfiguration<String, String> configuration) {
        return configuration.addCacheEntryListenerConfiguration(
                new MutableCacheEntryListenerConfiguration<>(() -> new Recorder(events), null, true, true));
    }

    @Test
    void aPutWithAListenerStillReportsTheValueItReplaced() {
        Cache<String, String> cache = manager.createCache("listened", withListener(new MutableConfiguration<>()));
        cache.put("k", "old");
        cache.put("k", "new");

        assertThat(events).as("the put read the key it replaced").containsExactly("CREATED k", "UPDATED k old");
        assertThat(cache.get("k")).isEqualTo("new");
    }

    @Test
    void getAndPutOnAnEternalCacheReturnsTheValueItReplaced() {
        Cache<String, String> cache = manager.createCache("eternal", new MutableConfiguration<>());
        cache.put("k", "old");

        assertThat(cache.getAndPut("k", "new")).isEqualTo("old");
        assertThat(cache.get("k")).isEqualTo("new");
    }

    @Test
    void putIfAbsentOnAnExpiredEntryStoresTheValueAndReportsTheExpiry() {
        Cache<String, String> cache = manager.createCache(
                "expiring",
                withListener(new MutableConfiguration<String, String>()
                        .setExpiryPolicyFactory(
                                CreatedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(TimeUnit.MINUTES, 1)))));
        cache.put("k", "old");
        clock.advance(Duration.ofMinutes(1));

        assertThat(cache.putIfAbsent("k", "new"))
                .as("an expired entry is absent")
                .isTrue();
        assertThat(cache.get("k")).isEqualTo("new");
        assertThat(events).containsExactly("CREATED k", "EXPIRED k old", "CREATED k");
    }

    @Test
    void putIfAbsentOfALiveKeyLeavesItAndCallsNoWriter() {
        Cache<String, String> cache = manager.createCache(
                "written",
                new MutableConfiguration<String, String>()
                        .setWriteThrough(true)
                        .setCacheWriterFactory(FactoryBuilder.factoryOf(RecordingWriter.class)));
        assertThat(cache.putIfAbsent("k", "first")).isTrue();
        assertThat(cache.putIfAbsent("k", "second")).isFalse();

        assertThat(cache.get("k")).isEqualTo("first");
        assertThat(WRITES).as("only the put that stored wrote through").containsExactly("k=first");
    }

    @Test
    void putIfAbsentOfALiveKeyCountsAHitAndNoPutAndAPutWithoutReadingCountsAPut() {
        TerraceCache<String, String> cache = manager.createCache(
                        "counted", new MutableConfiguration<String, String>().setStatisticsEnabled(true))
                .unwrap(TerraceCache.class);
        cache.put("k", "first");
        cache.put("k", "second");
        assertThat(cache.putIfAbsent("k", "third")).isFalse();
        assertThat(cache.putIfAbsent("other", "v")).isTrue();

        assertThat(cache.statistics().getCachePuts())
                .as("both puts (stored without reading the key) and the putIfAbsent that stored")
                .isEqualTo(3);
        assertThat(cache.statistics().getCacheHits())
                .as("the putIfAbsent that found a live entry")
                .isEqualTo(1);
        assertThat(cache.statistics().getCacheMisses())
                .as("the putIfAbsent that found none")
                .isEqualTo(1);
        assertThat(cache.get("k")).isEqualTo("second");
    }

    /** Records each event as its type, key and, for updates and expiries, the old value. */
    private static final class Recorder
            implements CacheEntryCreatedListener<String, String>,
                    CacheEntryUpdatedListener<String, String>,
                    CacheEntryExpiredListener<String, String> {
        private final List<String> events;

        Recorder(List<String> events) {
            this.events = events;
        }

        private void record(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
            for (CacheEntryEvent<? extends String, ? extends String> event : batch) {
                String old = event.isOldValueAvailable() ? " " + event.getOldValue() : "";
                events.add(event.getEventType() + " " + event.getKey() + old);
            }
        }

        @Override
        public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
            record(batch);
        }

        @Override
        public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
            record(batch);
        }

        @Override
        public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
            record(batch);
        }
    }

    /** Records each write in {@link #WRITES}. */
    public static final class RecordingWriter implements CacheWriter<String, String>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public void write(Cache.Entry<? extends String, ? extends String> entry) {
            WRITES.add(entry.getKey() + "=" + entry.getValue());
        }

        @Override
        public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
            entries.forEach(this::write);
        }

        @Override
        public void delete(Object key) {}

        @Override
        public void deleteAll(Collection<?> keys) {}
    }
}
