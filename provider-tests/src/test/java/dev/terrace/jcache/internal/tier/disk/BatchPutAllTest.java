package dev.terrace.jcache.internal.tier.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.TerraceCache;
import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.internal.tier.Tier;
import dev.terrace.jcache.internal.tier.TieredStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 15: {@code Cache.putAll} of 100 entries on a disk stack is one journal write, and every entry is then
 * stored, counted and kept across a restart as 100 puts would be.
 */
class BatchPutAllTest {

    @TempDir
    Path directory;

    private CacheManager manager(String stack) {
        Properties properties = new Properties();
        properties.setProperty("terrace.stack", stack);
        properties.setProperty("terrace.l2.path", directory.toString());
        return Caching.getCachingProvider(TerraceCachingProvider.class.getName())
                .getCacheManager(
                        URI.create("terrace:batch-" + stack), getClass().getClassLoader(), properties);
    }

    private static DiskTier<?> diskOf(Cache<?, ?> cache) {
        TieredStore<?> store = cache.unwrap(TieredStore.class);
        for (Tier<?> tier : store.tiers()) {
            if (tier instanceof DiskTier<?> disk) {
                return disk;
            }
        }
        throw new AssertionError("no disk tier in " + cache.getName());
    }

    private static Map<String, String> hundred() {
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            entries.put("k" + i, "value " + i);
        }
        return entries;
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap+disk", "disk"})
    void aPutAllOfAHundredEntriesIsOneJournalWrite(String stack) {
        Map<String, String> entries = hundred();
        try (CacheManager manager = manager(stack)) {
            Cache<String, String> cache =
                    manager.createCache("batch", new MutableConfiguration<String, String>().setStatisticsEnabled(true));
            cache.put("k0", "earlier");
            long before = diskOf(cache).journalWrites();

            cache.putAll(entries);

            assertThat(diskOf(cache).journalWrites() - before)
                    .as("100 entries, one of them an update, in one journal write")
                    .isEqualTo(1);
            assertThat(cache.getAll(entries.keySet())).isEqualTo(entries);
            assertThat(cache.unwrap(TerraceCache.class).statistics().getCachePuts())
                    .as("the first put and the 100 of the batch")
                    .isEqualTo(101);
        }
        try (CacheManager manager = manager(stack)) {
            Cache<String, String> cache = manager.createCache("batch", new MutableConfiguration<String, String>());
            assertThat(cache.getAll(entries.keySet())).as("after a restart").isEqualTo(entries);
        }
    }

    /** Counts created events. */
    public static final class Created implements CacheEntryCreatedListener<String, String> {
        static final AtomicInteger COUNT = new AtomicInteger();

        @Override
        public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            events.forEach(event -> COUNT.incrementAndGet());
        }
    }

    @Test
    void aListenerStillHearsEveryEntryOfAPutAll() {
        Created.COUNT.set(0);
        try (CacheManager manager = manager("heap+disk")) {
            Cache<String, String> cache = manager.createCache(
                    "heard",
                    new MutableConfiguration<String, String>()
                            .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                                    FactoryBuilder.factoryOf(Created.class), null, false, true)));

            cache.putAll(hundred());

            assertThat(Created.COUNT.get()).isEqualTo(100);
            assertThat(cache.get("k99")).isEqualTo("value 99");
        }
    }
}
