package dev.terrace.jcache.dependency;

import static dev.terrace.jcache.dependency.WatchedCaches.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.TerraceCache;
import dev.terrace.jcache.event.InvalidationCause;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.integration.CacheWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entries derived from other entries go with them, through chains and cycles, by the explicit API. */
class CascadeTest {

    private static final AtomicInteger NAMES = new AtomicInteger();
    static final List<String> DELETES = new CopyOnWriteArrayList<>();

    @TempDir
    Path root;

    private CacheManager manager;
    private final String listenerName = "cascade-" + NAMES.incrementAndGet();
    private final List<String> heard = Heard.named(listenerName);

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
    }

    private Cache<Object, Object> cache(MutableConfiguration<Object, Object> configuration) {
        manager = WatchedCaches.manager("terrace.files.watch-paths", root.toString());
        return manager.createCache(
                "derived", configuration.addCacheEntryListenerConfiguration(Heard.removals(listenerName)));
    }

    private void awaitHeard(String... lines) {
        await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(heard).as("removals heard").containsExactlyInAnyOrder(lines));
    }

    @Test
    void aFileChangeCascadesThroughChainsAndCyclesOnce() throws Exception {
        Cache<Object, Object> cache = cache(new MutableConfiguration<>());
        FileDependencies<Object, Object> dependencies = WatchedCaches.dependencies(cache);
        Path source = write(root.resolve("Source.java"), "class Source {}");
        dependencies.put("parsed", "AST", List.of(source));
        dependencies.put("symbols", "S", List.of(), List.of("parsed"));
        dependencies.put("report", "R", List.of(), List.of("symbols"));
        dependencies.put("x", "X", List.of(), List.of("y"));
        dependencies.put("y", "Y", List.of(), List.of("x", "symbols"));
        cache.put("other", "kept");
        assertThat(dependencies.dependentsOf("symbols")).containsExactlyInAnyOrder("report", "y");

        Files.writeString(source, "class Source { int changed; }");

        awaitHeard(
                "parsed (was AST) <- file Source.java",
                "symbols (was S) <- cascade from parsed",
                "report (was R) <- cascade from symbols",
                "y (was Y) <- cascade from symbols",
                "x (was X) <- cascade from y");
        assertThat(cache.get("other")).isEqualTo("kept");
    }

    @Test
    void anInvalidationReachesNeitherTheWriterNorTheRemovalStatistics() throws Exception {
        DELETES.clear();
        Cache<Object, Object> cache = cache(new MutableConfiguration<>()
                .setWriteThrough(true)
                .setStatisticsEnabled(true)
                .setCacheWriterFactory(FactoryBuilder.factoryOf(RecordingWriter.class)));
        Path file = write(root.resolve("w.txt"), "1");
        WatchedCaches.dependencies(cache).put("k", "v", List.of(file));

        Files.writeString(file, "2");

        awaitHeard("k (was v) <- file w.txt");
        assertThat(DELETES).as("the writer's deletes").isEmpty();
        assertThat(cache.unwrap(TerraceCache.class).statistics().getCacheRemovals())
                .isZero();
    }

    @Test
    void aCallersUpdateOrRemovalOfAnEntryInvalidatesWhatWasDerivedFromIt() {
        Cache<Object, Object> cache = cache(new MutableConfiguration<>());
        FileDependencies<Object, Object> dependencies = WatchedCaches.dependencies(cache);
        cache.put("config", "v1");
        dependencies.put("derived", "d1", List.of(), List.of("config"));
        dependencies.put("other", "o1", List.of(), List.of("settings"));
        cache.put("settings", "s1");

        cache.put("config", "v2");
        cache.remove("settings");

        awaitHeard(
                "derived (was d1) <- cascade from config",
                "other (was o1) <- cascade from settings",
                "settings (was s1) <- caller");
    }

    @Test
    void aRequestedInvalidationCascadesAndIsTold() {
        Cache<Object, Object> cache = cache(new MutableConfiguration<>());
        FileDependencies<Object, Object> dependencies = WatchedCaches.dependencies(cache);
        cache.put("a", "1");
        dependencies.put("b", "2", List.of(), List.of("a"));

        dependencies.invalidate("a");

        assertThat(cache.get("a")).isNull();
        assertThat(cache.get("b")).isNull();
        awaitHeard("a (was 1) <- requested", "b (was 2) <- cascade from a");
    }

    @Test
    void theCauseUnwrapsOnlyFromInvalidations() throws Exception {
        List<Object> unwrapped = new CopyOnWriteArrayList<>();
        Cache<Object, Object> cache = cache(new MutableConfiguration<>()
                .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                        () -> (CacheEntryRemovedListener<Object, Object>) events -> events.forEach(event -> {
                            try {
                                unwrapped.add(event.unwrap(InvalidationCause.FileChanged.class)
                                        .file());
                            } catch (IllegalArgumentException e) {
                                unwrapped.add("no cause: " + e.getMessage().contains("InvalidationCause"));
                            }
                        }),
                        null,
                        false,
                        true)));
        Path file = write(root.resolve("u.txt"), "1");
        WatchedCaches.dependencies(cache).put("k", "v", List.of(file));
        cache.put("plain", "p");

        cache.remove("plain");
        Files.writeString(file, "2");

        await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(unwrapped).containsExactlyInAnyOrder("no cause: true", file));
    }

    @Test
    void withoutFileTrackingTheApiSaysHowToTurnItOn() {
        try (CacheManager plain = WatchedCaches.manager()) {
            Cache<Object, Object> cache = plain.createCache("c", new MutableConfiguration<>());
            assertThatThrownBy(() -> WatchedCaches.dependencies(cache))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("terrace.files.enabled");
        }
    }

    @Test
    void aFailingExtractorFailsThePutAndLeavesTheEntryAsItWas() {
        Cache<Object, Object> cache = cache(new MutableConfiguration<>());
        cache.put("k", "before");
        WatchedCaches.dependencies(cache).extractWith(key -> {
            throw new IllegalStateException("boom");
        });

        assertThatThrownBy(() -> cache.put("k", "after"))
                .isInstanceOf(javax.cache.CacheException.class)
                .hasMessageContaining("dependency extractor");
        WatchedCaches.dependencies(cache).extractWith(DependencyExtractor.none());
        assertThat(cache.get("k")).isEqualTo("before");
    }

    @Test
    void aUserFunctionExtractsFilesFromItsOwnKeys() throws Exception {
        Cache<Object, Object> cache = cache(new MutableConfiguration<>());
        Path file = write(root.resolve("Main.java"), "class Main {}");
        WatchedCaches.dependencies(cache)
                .extractWith(DependencyExtractor.of(String.class, name -> List.of(root.resolve(name + ".java"))));
        cache.put("Main", "compiled");
        cache.put(42, "not a string key");

        Files.writeString(file, "class Main { }");

        awaitHeard("Main (was compiled) <- file Main.java");
        assertThat(cache.get(42)).isEqualTo("not a string key");
    }

    /** A writer that records its deletes. */
    public static final class RecordingWriter implements CacheWriter<Object, Object>, Serializable {
        @Override
        public void write(Cache.Entry<? extends Object, ? extends Object> entry) {}

        @Override
        public void writeAll(Collection<Cache.Entry<? extends Object, ? extends Object>> entries) {}

        @Override
        public void delete(Object key) {
            DELETES.add(String.valueOf(key));
        }

        @Override
        public void deleteAll(Collection<?> keys) {
            keys.forEach(key -> DELETES.add(String.valueOf(key)));
        }
    }
}
