package dev.terrace.consumer.bom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.TerraceCachingProvider;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an application that imported terrace-bom and added terrace-jcache (no version, no other Terrace
 * artifact) checks before it relies on its cache: the standard lookup finds Terrace, and the JCache calls it
 * makes behave as the specification says. Only {@code javax.cache} types are used past the lookup.
 */
class BomConsumerTest {

    private static CacheManager manager;

    @BeforeAll
    static void openManager() {
        manager = Caching.getCachingProvider().getCacheManager();
    }

    @AfterAll
    static void closeProvider() {
        Caching.getCachingProvider().close();
    }

    @Test
    void theStandardLookupFindsTerraceAsTheOnlyProvider() {
        List<CachingProvider> providers = new ArrayList<>();
        Caching.getCachingProviders().forEach(providers::add);

        assertThat(providers)
                .as("terrace-jcache alone must register exactly one JCache provider, or the no-argument lookup fails")
                .hasSize(1);
        assertThat(Caching.getCachingProvider()).isInstanceOf(TerraceCachingProvider.class);
        assertThat(manager.getCachingProvider()).isSameAs(Caching.getCachingProvider());
    }

    @Test
    void readsAndWritesFollowTheSpecification() {
        Cache<String, Integer> cache = manager.createCache(
                "reads-and-writes", new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));

        cache.put("a", 1);
        assertThat(cache.get("a")).isEqualTo(1);
        assertThat(cache.containsKey("a")).isTrue();
        assertThat(cache.putIfAbsent("a", 2))
                .as("a present key keeps its value")
                .isFalse();
        assertThat(cache.getAndPut("a", 3)).isEqualTo(1);
        assertThat(cache.replace("a", 3, 4)).isTrue();
        assertThat(cache.replace("missing", 5))
                .as("replace never creates an entry")
                .isFalse();
        assertThat(cache.containsKey("missing")).isFalse();

        cache.putAll(Map.of("b", 2, "c", 3));
        assertThat(cache.getAll(Set.of("a", "b", "c", "missing")))
                .containsOnly(Map.entry("a", 4), Map.entry("b", 2), Map.entry("c", 3));
        assertThat(StreamSupport.stream(cache.spliterator(), false).map(Cache.Entry::getKey))
                .containsExactlyInAnyOrder("a", "b", "c");

        assertThat(cache.remove("b", 99))
                .as("a conditional remove with the wrong value")
                .isFalse();
        assertThat(cache.getAndRemove("b")).isEqualTo(2);
        cache.removeAll();
        assertThat(cache.iterator().hasNext()).isFalse();
    }

    @Test
    void anEntryProcessorChangesTheEntryAtomically() {
        Cache<String, Integer> cache = manager.createCache(
                "entry-processor", new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
        cache.put("counter", 41);

        Integer previous = cache.invoke("counter", (entry, arguments) -> {
            Integer old = entry.getValue();
            entry.setValue(old + 1);
            return old;
        });

        assertThat(previous).isEqualTo(41);
        assertThat(cache.get("counter")).isEqualTo(42);
    }

    @Test
    void aSynchronousListenerHearsEveryChangeBeforeTheCallReturns() {
        MutableConfiguration<String, String> configuration =
                new MutableConfiguration<String, String>().setTypes(String.class, String.class);
        configuration.addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                FactoryBuilder.factoryOf(new Recorder()), null, true, true));
        Cache<String, String> cache = manager.createCache("listened", configuration);
        Recorder.EVENTS.clear();

        cache.put("k", "v1");
        cache.put("k", "v2");
        cache.remove("k");

        assertThat(Recorder.EVENTS).containsExactly("CREATED k v1", "UPDATED k v2 was v1", "REMOVED k was v2");
    }

    @Test
    void theConfigurationReadsBackAsGiven() {
        Cache<String, String> cache = manager.createCache(
                "configured",
                new MutableConfiguration<String, String>()
                        .setTypes(String.class, String.class)
                        .setStatisticsEnabled(true));

        @SuppressWarnings("unchecked")
        CompleteConfiguration<String, String> configuration = cache.getConfiguration(CompleteConfiguration.class);

        assertThat(configuration.getKeyType()).isEqualTo(String.class);
        assertThat(configuration.isStatisticsEnabled()).isTrue();
        assertThat(manager.getCache("configured", String.class, String.class)).isSameAs(cache);
    }

    /** Records the events of the {@code listened} cache; a factory made from an instance needs it serializable. */
    static final class Recorder
            implements CacheEntryCreatedListener<String, String>,
                    CacheEntryUpdatedListener<String, String>,
                    CacheEntryRemovedListener<String, String>,
                    Serializable {

        private static final long serialVersionUID = 1L;

        static final List<String> EVENTS = new CopyOnWriteArrayList<>();

        @Override
        public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            record(events);
        }

        @Override
        public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            record(events);
        }

        @Override
        public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            record(events);
        }

        private static void record(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            for (CacheEntryEvent<? extends String, ? extends String> event : events) {
                StringBuilder line = new StringBuilder(event.getEventType() + " " + event.getKey());
                if (event.getEventType() != EventType.REMOVED) {
                    line.append(' ').append(event.getValue());
                }
                if (event.isOldValueAvailable()) {
                    line.append(" was ").append(event.getOldValue());
                }
                EVENTS.add(line.toString());
            }
        }
    }
}
