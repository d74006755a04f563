package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.internal.tier.TierUnavailableException;
import dev.terrace.jcache.redis.RedisServer;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis goes away and comes back: reads keep being answered from the near tiers without an exception,
 * changes fail fast and change nothing, and the cache returns to full service on its own.
 */
class RedisOutageTest {

    private final RedisServer server = RedisServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private CacheManager manager() {
        return Caches.manager(
                "terrace.stack", "heap+redis",
                "terrace.l3.address", server.address(),
                "terrace.l3.timeout-ms", "500",
                "terrace.l3.connect-timeout-ms", "500");
    }

    private static boolean redisDown(CacheManager manager) {
        return manager.unwrap(TerraceCacheManager.class).redis().isDown();
    }

    @Test
    void readsAreServedFromTheHeapWhileRedisIsDownAndServiceReturnsOnItsOwn() {
        try (CacheManager manager = manager()) {
            Cache<String, String> cache = manager.createCache("outage", new MutableConfiguration<>());
            for (int i = 0; i < 10; i++) {
                cache.put("k" + i, "v" + i);
            }

            server.kill();

            assertThat(cache.get("k1")).as("a near copy, while Redis is down").isEqualTo("v1");
            assertThat(cache.get("never-cached")).as("a miss, not an exception").isNull();
            assertThatThrownBy(() -> cache.put("k1", "changed"))
                    .isInstanceOf(CacheException.class)
                    .isInstanceOf(TierUnavailableException.class)
                    .hasMessageContaining(String.valueOf(server.port()))
                    .hasMessageContaining("the change was not applied");
            assertThat(redisDown(manager))
                    .as("known down: later calls fail at once")
                    .isTrue();
            assertThat(cache.get("k1"))
                    .as("the near copy of a key whose change failed is dropped, never served stale later")
                    .isNull();
            assertThat(cache.get("k2")).isEqualTo("v2");

            server.restart();

            await().atMost(30, TimeUnit.SECONDS).ignoreExceptions().untilAsserted(() -> {
                cache.put("after", "yes");
                assertThat(cache.get("after")).isEqualTo("yes");
            });
            await().atMost(30, TimeUnit.SECONDS)
                    .untilAsserted(() -> assertThat(cache.get("k2"))
                            .as("the restarted Redis lost k2; the near copy that could not know is gone")
                            .isNull());
            assertThat(redisDown(manager)).isFalse();
        }
    }

    @Test
    void aProcessThatStartsWhileRedisIsDownWorksOnceRedisArrives() {
        server.kill();
        try (CacheManager manager = manager()) {
            Cache<String, String> cache = manager.createCache("late", new MutableConfiguration<>());

            assertThat(cache.get("k")).isNull();
            assertThatThrownBy(() -> cache.put("k", "v")).isInstanceOf(CacheException.class);

            server.restart();

            await().atMost(30, TimeUnit.SECONDS).ignoreExceptions().untilAsserted(() -> {
                cache.put("k", "v");
                assertThat(cache.get("k")).isEqualTo("v");
            });
        }
    }

    @Test
    void withANearDiskChangesDuringAnOutageAreKeptLocallyThenDroppedEverywhereOnRecovery(@TempDir Path disk) {
        try (RedisServer durable = RedisServer.start("--appendonly", "yes", "--appendfsync", "always");
                CacheManager near = process(durable, "heap+disk+redis", disk);
                CacheManager other = process(durable, "heap+redis", null)) {
            Cache<String, String> mine = near.createCache("o", new MutableConfiguration<>());
            Cache<String, String> theirs = other.createCache("o", new MutableConfiguration<>());
            mine.put("k", "before");
            mine.put("untouched", "u");
            assertThat(theirs.get("k")).isEqualTo("before");

            durable.kill();

            mine.put("k", "during");
            assertThat(mine.get("k"))
                    .as("the near tiers took the change while Redis was down")
                    .isEqualTo("during");

            durable.restart();

            await().atMost(30, TimeUnit.SECONDS).ignoreExceptions().untilAsserted(() -> {
                assertThat(mine.get("k"))
                        .as("the key changed during the outage is dropped here")
                        .isNull();
                assertThat(theirs.get("k"))
                        .as("... and in Redis and in the other process, which held the value from before")
                        .isNull();
            });
            assertThat(mine.get("untouched")).isEqualTo("u");
            assertThat(theirs.get("untouched")).isEqualTo("u");
        }
    }

    private static CacheManager process(RedisServer redis, String stack, Path disk) {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", stack);
        settings.setProperty("terrace.l3.address", redis.address());
        settings.setProperty("terrace.l3.timeout-ms", "500");
        settings.setProperty("terrace.l3.connect-timeout-ms", "500");
        if (disk != null) {
            settings.setProperty("terrace.l2.path", disk.toString());
        }
        ClassLoader loader = new URLClassLoader(new URL[0], RedisOutageTest.class.getClassLoader());
        return Caches.provider().getCacheManager(URI.create("terrace:outage-journal"), loader, settings);
    }
}
