package dev.terrace.jcache.dependency;

import static dev.terrace.jcache.dependency.WatchedCaches.fileKey;
import static dev.terrace.jcache.dependency.WatchedCaches.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dependency index and fingerprints outlive the process with the disk tier's entries: a file changed while
 * the cache was closed drops its entries when the cache opens again, and only those.
 */
class RestartTest {

    private static final AtomicInteger IDS = new AtomicInteger();

    @TempDir
    Path files;

    @TempDir
    Path store;

    private final URI uri = URI.create("terrace:files-restart-" + IDS.incrementAndGet());
    private final String listenerName = "restart-" + IDS.incrementAndGet();

    private CacheManager open(String contentHash) {
        return WatchedCaches.manager(
                uri,
                "terrace.stack",
                "heap+disk",
                "terrace.l2.path",
                store.toString(),
                "terrace.files.watch-paths",
                files.toString(),
                "terrace.files.content-hash",
                contentHash);
    }

    private Cache<Object, Object> cache(CacheManager manager) {
        return manager.createCache(
                "derived",
                new MutableConfiguration<>().addCacheEntryListenerConfiguration(Heard.removals(listenerName)));
    }

    @Test
    void aFileChangedWhileClosedDropsItsEntriesAtTheNextStart() throws Exception {
        Path changed = write(files.resolve("changed.txt"), "1");
        Path untouched = write(files.resolve("untouched.txt"), "1");
        Path deleted = write(files.resolve("deleted.txt"), "1");
        try (CacheManager manager = open("false")) {
            Cache<Object, Object> cache = cache(manager);
            cache.put(fileKey(changed), "c");
            cache.put(fileKey(untouched), "u");
            cache.put(fileKey(deleted), "d");
            WatchedCaches.dependencies(cache).put("derived", "from c", List.of(), List.of(fileKey(changed)));
        }

        Files.writeString(changed, "22");
        Files.delete(deleted);
        List<String> heard = Heard.named(listenerName);
        try (CacheManager manager = open("false")) {
            Cache<Object, Object> cache = cache(manager);

            assertThat(cache.get(fileKey(changed))).isNull();
            assertThat(cache.get(fileKey(deleted))).isNull();
            assertThat(cache.get("derived")).isNull();
            assertThat(cache.get(fileKey(untouched))).isEqualTo("u");
            await().atMost(10, TimeUnit.SECONDS)
                    .untilAsserted(() -> assertThat(heard)
                            .containsExactlyInAnyOrder(
                                    fileKey(changed) + " (was c) <- file changed.txt",
                                    fileKey(deleted) + " (was d) <- file deleted.txt",
                                    "derived (was from c) <- cascade from " + fileKey(changed)));
        }

        // The index was kept again: the next start drops nothing more, and a change is still seen.
        try (CacheManager manager = open("false")) {
            Cache<Object, Object> cache = cache(manager);
            assertThat(cache.get(fileKey(untouched))).isEqualTo("u");
            Files.writeString(untouched, "changed at last");
            await().atMost(10, TimeUnit.SECONDS).until(() -> cache.get(fileKey(untouched)) == null);
        }
    }

    @Test
    void withContentHashesATouchWhileClosedKeepsTheEntry() throws Exception {
        Path touched = write(files.resolve("touched.txt"), "same");
        try (CacheManager manager = open("true")) {
            cache(manager).put(fileKey(touched), "t");
        }

        Files.setLastModifiedTime(touched, FileTime.from(Instant.now().plusSeconds(60)));

        try (CacheManager manager = open("true")) {
            assertThat(cache(manager).get(fileKey(touched))).isEqualTo("t");
        }
    }
}
