package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.internal.tier.TieredStore;
import dev.terrace.jcache.redis.RedisServer;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process that was away catches up from the cache's invalidation log in Redis: it drops exactly the near
 * copies that changed meanwhile and keeps the others; when it cannot prove what it missed (the data set was
 * flushed), it drops them all. Each "process" is a cache manager with its own class loader, Redis connection
 * and disk directory.
 */
class CatchUpTest {

    private static final URI URI_ = URI.create("terrace:catch-up");

    private final RedisServer server = RedisServer.start();

    @TempDir
    Path disk;

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aRestartedProcessDropsOnlyTheNearCopiesThatChangedWhileItWasDown() {
        try (CacheManager first = nearDiskProcess()) {
            Cache<String, String> cache = first.createCache("c", new MutableConfiguration<>());
            cache.put("changed", "old");
            cache.put("kept", "same");
        }
        try (CacheManager other = redisOnlyProcess()) {
            other.createCache("c", new MutableConfiguration<String, String>()).put("changed", "new");
        }

        try (CacheManager restarted = nearDiskProcess()) {
            Cache<String, String> cache = restarted.createCache("c", new MutableConfiguration<>());
            TerraceCache<?, ?> terrace = cache.unwrap(TerraceCache.class);

            assertThat(cache.get("changed"))
                    .as("the disk copy from before the restart was invalidated by the replayed log")
                    .isEqualTo("new");
            assertThat(cache.get("kept")).isEqualTo("same");
            assertThat(terrace.unwrap(TieredStore.class).hits(1))
                    .as("the unchanged entry was served from the near disk tier, which was not thrown away")
                    .isEqualTo(1);
        }
    }

    @Test
    void aFlushedDataSetDropsEveryNearCopyEvenWithoutAnyWrite() throws Exception {
        try (CacheManager process = nearDiskProcess()) {
            Cache<String, String> cache = process.createCache("c", new MutableConfiguration<>());
            cache.put("k", "v");
            assertThat(cache.get("k")).isEqualTo("v");

            server.command("FLUSHALL");

            await().atMost(10, TimeUnit.SECONDS)
                    .untilAsserted(() -> assertThat(cache.get("k"))
                            .as("the near copies of a flushed data set are dropped (epoch check)")
                            .isNull());
        }
    }

    @Test
    void aProcessRestartedAfterAFlushDropsItsDiskCopies() throws Exception {
        try (CacheManager first = nearDiskProcess()) {
            first.createCache("c", new MutableConfiguration<String, String>()).put("k", "v");
        }
        server.command("FLUSHALL");

        try (CacheManager restarted = nearDiskProcess()) {
            Cache<String, String> cache = restarted.createCache("c", new MutableConfiguration<>());

            assertThat(cache.get("k"))
                    .as("what the disk held cannot be proved current once the epoch is gone")
                    .isNull();
        }
    }

    @Test
    void liveChangesFromAnotherProcessInvalidateInSequence() {
        try (CacheManager near = nearDiskProcess();
                CacheManager other = redisOnlyProcess()) {
            Cache<String, String> mine = near.createCache("c", new MutableConfiguration<>());
            Cache<String, String> theirs = other.createCache("c", new MutableConfiguration<>());
            for (int i = 0; i < 50; i++) {
                mine.put("k" + i, "a");
                assertThat(mine.get("k" + i)).isEqualTo("a");
            }
            for (int i = 0; i < 50; i++) {
                theirs.put("k" + i, "b");
            }

            await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
                for (int i = 0; i < 50; i++) {
                    assertThat(mine.get("k" + i)).as("k" + i).isEqualTo("b");
                }
            });
        }
    }

    private CacheManager nearDiskProcess() {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", "heap+disk+redis");
        settings.setProperty("terrace.l2.path", disk.toString());
        return process(settings);
    }

    private CacheManager redisOnlyProcess() {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", "redis");
        return process(settings);
    }

    private CacheManager process(Properties settings) {
        settings.setProperty("terrace.l3.address", server.address());
        ClassLoader loader = new URLClassLoader(new URL[0], getClass().getClassLoader());
        return Caches.provider().getCacheManager(URI_, loader, settings);
    }
}
