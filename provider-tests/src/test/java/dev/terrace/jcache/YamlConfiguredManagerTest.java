package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrace.jcache.config.TerraceConfig;
import dev.terrace.jcache.config.TerraceConfigException;
import dev.terrace.jcache.config.TierStack;
import dev.terrace.jcache.internal.tier.HeapTier;
import dev.terrace.jcache.internal.tier.TieredStore;
import dev.terrace.jcache.internal.tier.disk.DiskTier;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cache manager configured by a YAML file or a builder really builds the tiers the configuration names. */
class YamlConfiguredManagerTest {

    @TempDir
    Path dir;

    private final TerraceCachingProvider provider = (TerraceCachingProvider) Caches.provider();

    private URI write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("terrace-" + System.nanoTime() + ".yaml"), yaml)
                .toUri();
    }

    private String yaml(Path stores) {
        return """
                cache:
                  stack: heap+disk
                  backends:
                    l1: {max_size: 100}
                    l2: {path: "%s", max_size_mb: 16}
                  caches:
                    reports: {}
                    lookups:
                      stack: heap
                      backends:
                        l1: {max_size: 3}
                """.formatted(stores);
    }

    @SuppressWarnings("unchecked")
    private static TieredStore<Object> tiers(Cache<?, ?> cache) {
        return (TieredStore<Object>) cache.unwrap(TieredStore.class);
    }

    private static long filesUnder(Path path) throws IOException {
        if (!Files.exists(path)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(path)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void theDeclaredCachesExistAtStartWithTheirOwnStacks() throws IOException {
        Path stores = dir.resolve("stores");
        URI uri = write(yaml(stores));
        try (CacheManager manager = provider.getCacheManager(uri, getClass().getClassLoader())) {
            assertThat(manager.getCacheNames()).containsExactlyInAnyOrder("reports", "lookups");
            Cache<String, String> reports = manager.getCache("reports");
            reports.put("q3", "figures");
            assertThat(reports.get("q3")).isEqualTo("figures");
            assertThat(tiers(reports).authority()).isInstanceOf(DiskTier.class);
            assertThat(filesUnder(stores))
                    .as("the disk store of 'reports' is under the configured path")
                    .isPositive();

            Cache<Integer, Integer> lookups = manager.getCache("lookups");
            assertThat(tiers(lookups).tiers()).singleElement().isInstanceOf(HeapTier.class);
            assertThat(((HeapTier<Object>) tiers(lookups).tiers().get(0)).maxEntries())
                    .isEqualTo(3);

            Cache<String, String> other = manager.createCache("other", new MutableConfiguration<>());
            assertThat(tiers(other).tiers()).hasSize(2);
            assertThat(((HeapTier<Object>) tiers(other).tiers().get(0)).maxEntries())
                    .as("an undeclared cache gets the defaults")
                    .isEqualTo(100);

            assertThatThrownBy(() -> manager.createCache("reports", new MutableConfiguration<>()))
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining("declared in " + uri)
                    .hasMessageContaining("use getCache");
        }
    }

    @Test
    void propertiesGivenToTheProviderWinOverTheFile() throws IOException {
        URI uri = write(yaml(dir.resolve("stores")));
        Properties properties = new Properties();
        properties.put("terrace.stack", "heap");
        try (CacheManager manager = provider.getCacheManager(uri, getClass().getClassLoader(), properties)) {
            assertThat(tiers(manager.getCache("reports")).tiers())
                    .singleElement()
                    .isInstanceOf(HeapTier.class);
        }
        assertThat(dir.resolve("stores")).doesNotExist();
    }

    @Test
    void aConfigurationBuiltInCodeConfiguresTheManager() {
        TerraceConfig config = TerraceConfig.builder()
                .stack(TierStack.DISK)
                .disk(disk -> disk.path(dir.resolve("built")).maxSizeMb(8))
                .cache("orders", c -> c.stack(TierStack.HEAP_DISK).heap(heap -> heap.maxSize(7)))
                .build();
        URI uri = URI.create("terrace:built-" + System.nanoTime());
        try (CacheManager manager = provider.getCacheManager(uri, getClass().getClassLoader(), config)) {
            TieredStore<Object> orders = tiers(manager.getCache("orders"));
            assertThat(orders.tiers()).hasSize(2);
            assertThat(((HeapTier<Object>) orders.tiers().get(0)).maxEntries()).isEqualTo(7);
            assertThat(manager.unwrap(TerraceCacheManager.class).config()).isSameAs(config);
        }
        assertThat(dir.resolve("built")).isDirectory();
    }

    @Test
    void theHeapTimeToLiveOfTheFileDropsEntriesFromTheHeap() throws IOException {
        MutableClock clock = new MutableClock();
        URI uri = write("cache: {backends: {l1: {ttl_seconds: 60}}, caches: {tokens: }}");
        Properties properties = new Properties();
        properties.put("terrace.clock", clock);
        try (CacheManager manager = provider.getCacheManager(uri, getClass().getClassLoader(), properties)) {
            Cache<String, String> tokens = manager.getCache("tokens");
            tokens.put("a", "1");
            clock.advance(Duration.ofSeconds(59));
            assertThat(tokens.get("a")).isEqualTo("1");
            clock.advance(Duration.ofSeconds(2));
            assertThat(tokens.get("a"))
                    .as("61 s after it was written, past the heap's 60 s")
                    .isNull();
        }
    }

    @Test
    void aMistakeInTheFileStopsTheManagerAndAFixedFileStartsIt() throws IOException {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, "cache: {backends: {l1: {max_size: -1}}}");
        assertThatThrownBy(
                        () -> provider.getCacheManager(file.toUri(), getClass().getClassLoader()))
                .isInstanceOf(TerraceConfigException.class)
                .hasMessageContaining("cache.backends.l1.max_size is -1");
        Files.writeString(file, "cache: {backends: {l1: {max_size: 5}}}");
        try (CacheManager manager =
                provider.getCacheManager(file.toUri(), getClass().getClassLoader())) {
            assertThat(manager.unwrap(TerraceCacheManager.class).settings().heapMaxEntries())
                    .isEqualTo(5);
        }
    }
}
