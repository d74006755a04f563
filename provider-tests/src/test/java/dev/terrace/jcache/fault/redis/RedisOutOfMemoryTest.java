package dev.terrace.jcache.fault.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.internal.tier.TierUnavailableException;
import dev.terrace.jcache.redis.RedisServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.processor.EntryProcessorException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 2: a Redis that reached {@code maxmemory} under {@code noeviction} answers, with an error. That
 * is no outage: the change fails with a {@code CacheException} that says Redis is out of memory, nothing is
 * taken by the near tiers, and reads keep being answered by Redis.
 */
class RedisOutOfMemoryTest {

    private final RedisServer server = RedisServer.start("--maxmemory", "3mb", "--maxmemory-policy", "noeviction");

    @TempDir
    Path disk;

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aFullRedisRefusesTheChangeWithACacheExceptionAndIsNoOutage() throws Exception {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", "heap+disk+redis");
        settings.setProperty("terrace.l3.address", server.address());
        settings.setProperty("terrace.l2.path", disk.toString());
        try (CacheManager manager = Caching.getCachingProvider(TerraceCachingProvider.class.getName())
                .getCacheManager(URI.create("terrace:oom"), getClass().getClassLoader(), settings)) {
            Cache<String, String> cache = manager.createCache("full", new MutableConfiguration<>());
            cache.put("first", "kept");
            String big = "x".repeat(64 * 1024);
            Throwable refused = null;
            int i = 0;
            while (refused == null && i < 1_000) {
                String key = "k" + i++;
                refused = catchThrowable(() -> cache.put(key, big));
            }
            assertThat(refused)
                    .as("a put fails once Redis is full")
                    .isInstanceOf(CacheException.class)
                    .isNotInstanceOf(TierUnavailableException.class)
                    .hasMessageContaining("out of memory")
                    .hasMessageContaining(String.valueOf(server.port()));
            String failedKey = "k" + (i - 1);
            assertThat(cache.get(failedKey))
                    .as("the refused change was taken nowhere, not by the near tiers either")
                    .isNull();

            // The put that crossed the limit left Redis just over it; once Redis frees its clients' idle input
            // buffers it can fall back under it (CI saw the next put pass). A limit far below what Redis holds
            // keeps it full for the rest of the test.
            assertThat(server.command("CONFIG SET maxmemory 1mb")).isEqualTo("+OK");
            Throwable again = catchThrowable(() -> cache.put("first", big));
            assertThat(again)
                    .as("Redis is not marked down: the next change reaches it and is refused the same way")
                    .isInstanceOf(CacheException.class)
                    .isNotInstanceOf(TierUnavailableException.class)
                    .hasMessageContaining("out of memory");
            Throwable processed = catchThrowable(() -> cache.invoke("first", (entry, arguments) -> {
                entry.setValue(big);
                return null;
            }));
            assertThat(processed)
                    .as("an entry processor's change is refused the same way")
                    .isInstanceOf(CacheException.class)
                    .isNotInstanceOf(TierUnavailableException.class);
            if (processed instanceof EntryProcessorException) {
                assertThat(processed.getCause()).hasMessageContaining("out of memory");
            }
            assertThat(server.command("CONFIG SET maxmemory 0")).isEqualTo("+OK");
            cache.put("first", "after");
            assertThat(cache.get("first")).isEqualTo("after");
            assertThat(cache.get(failedKey)).as("never applied").isNull();
        }
    }
}
