package dev.terrace.jcache.dependency;

import static dev.terrace.jcache.dependency.WatchedCaches.fileKey;
import static dev.terrace.jcache.dependency.WatchedCaches.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.redis.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file that changes while Redis is unreachable still invalidates its entries there: the near copy goes at
 * once, and the Redis copy (which came back with Redis's data) as soon as Redis answers again.
 */
class RedisOutageInvalidationTest {

    @TempDir
    Path root;

    private final RedisServer server = RedisServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anInvalidationThatCouldNotReachRedisIsRetriedWhenItIsBack() throws Exception {
        Path file = write(root.resolve("f.txt"), "one");
        List<String> heard = Heard.named("outage");
        try (CacheManager manager = WatchedCaches.manager(
                "terrace.stack", "heap+redis",
                "terrace.l3.address", server.address(),
                "terrace.l3.timeout-ms", "500",
                "terrace.l3.connect-timeout-ms", "500",
                "terrace.files.watch-paths", root.toString())) {
            Cache<Object, Object> cache = manager.createCache(
                    "derived",
                    new MutableConfiguration<>().addCacheEntryListenerConfiguration(Heard.removals("outage")));
            cache.put(fileKey(file), "from one");
            assertThat(server.command("SAVE")).contains("OK");
            server.kill();

            Files.writeString(file, "two");

            await().atMost(10, TimeUnit.SECONDS).until(() -> cache.get(fileKey(file)) == null);
            assertThat(heard).as("nothing was removed from Redis yet").isEmpty();

            server.restart();

            await().atMost(30, TimeUnit.SECONDS)
                    .untilAsserted(
                            () -> assertThat(heard).containsExactly(fileKey(file) + " (was from one) <- file f.txt"));
            assertThat(cache.get(fileKey(file))).isNull();
        }
    }
}
