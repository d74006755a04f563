package dev.terrace.jcache.dependency;

import static dev.terrace.jcache.dependency.WatchedCaches.fileKey;
import static dev.terrace.jcache.dependency.WatchedCaches.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With verification on read, a hit whose file changed is a miss even before (or without) the file's event: here
 * the debounce time is ten minutes, so the watcher never acts during the test.
 */
class VerifyOnReadTest {

    @TempDir
    Path root;

    @Test
    void aHitWhoseFileChangedIsAMissAndItsRemovalIsHeard() throws Exception {
        List<String> heard = Heard.named("verify-on-read");
        try (CacheManager manager = WatchedCaches.manager(
                "terrace.files.watch-paths", root.toString(),
                "terrace.files.debounce-ms", "600000",
                "terrace.files.verify-on-read", "true")) {
            Cache<Object, Object> cache = manager.createCache(
                    "c",
                    new MutableConfiguration<>().addCacheEntryListenerConfiguration(Heard.removals("verify-on-read")));
            Path file = write(root.resolve("a.txt"), "one");
            Path other = write(root.resolve("b.txt"), "one");
            cache.put(fileKey(file), "from one");
            cache.put(fileKey(other), "kept");
            assertThat(cache.get(fileKey(file))).isEqualTo("from one");

            Files.writeString(file, "three");

            assertThat(cache.get(fileKey(file))).isNull();
            assertThat(cache.get(fileKey(other))).isEqualTo("kept");
            org.awaitility.Awaitility.await()
                    .untilAsserted(
                            () -> assertThat(heard).containsExactly(fileKey(file) + " (was from one) <- file a.txt"));
        }
    }

    @Test
    void afterLostEventsEveryFingerprintIsRecheckedAndOnlyChangedFilesDropEntries() throws Exception {
        List<String> heard = Heard.named("overflow");
        try (CacheManager manager = WatchedCaches.manager(
                "terrace.files.watch-paths", root.toString(), "terrace.files.debounce-ms", "600000")) {
            Cache<Object, Object> cache = manager.createCache(
                    "c", new MutableConfiguration<>().addCacheEntryListenerConfiguration(Heard.removals("overflow")));
            Path changed = write(root.resolve("changed.txt"), "one");
            Path kept = write(root.resolve("kept.txt"), "one");
            cache.put(fileKey(changed), "c");
            cache.put(fileKey(kept), "k");
            Files.writeString(changed, "three");

            // What the watcher does when the operating system reports OVERFLOW.
            ((dev.terrace.jcache.internal.dependency.FileDependencyTracker<Object, Object>)
                            WatchedCaches.dependencies(cache))
                    .overflow();

            assertThat(cache.get(fileKey(changed))).isNull();
            assertThat(cache.get(fileKey(kept))).isEqualTo("k");
            org.awaitility.Awaitility.await()
                    .untilAsserted(
                            () -> assertThat(heard).containsExactly(fileKey(changed) + " (was c) <- file changed.txt"));
        }
    }
}
