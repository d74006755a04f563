package dev.terrace.jcache.fault.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.redis.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 6: only the spec's exceptions leave a JCache method, whatever Redis does: a lock lost to a
 * flush while an entry processor ran does not turn an applied change into an {@code
 * IllegalMonitorStateException}, and Redisson's connection errors do not escape {@code iterator()} or {@code
 * removeAll()}.
 */
class RedisExceptionMappingTest {

    private final RedisServer server = RedisServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private CacheManager manager(String name) {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", "redis");
        settings.setProperty("terrace.l3.address", server.address());
        settings.setProperty("terrace.l3.timeout-ms", "500");
        settings.setProperty("terrace.l3.connect-timeout-ms", "500");
        return Caching.getCachingProvider(TerraceCachingProvider.class.getName())
                .getCacheManager(URI.create("terrace:" + name), getClass().getClassLoader(), settings);
    }

    @Test
    void aFlushWhileAnEntryProcessorHoldsTheLockLeavesTheAppliedChangeReportedAsApplied() {
        try (CacheManager manager = manager("flush-in-invoke")) {
            Cache<String, String> cache = manager.createCache("c", new MutableConfiguration<>());
            cache.put("k", "before");

            String result = cache.invoke("k", (entry, arguments) -> {
                try {
                    server.command("FLUSHALL");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                entry.setValue("after");
                return "done";
            });

            assertThat(result).isEqualTo("done");
            assertThat(cache.get("k")).as("the change was applied").isEqualTo("after");
        }
    }

    @Test
    void iteratingAndRemovingAllWithoutRedisFailWithCacheExceptions() {
        try (CacheManager manager = manager("iterate-down")) {
            Cache<String, String> cache = manager.createCache("c", new MutableConfiguration<>());
            cache.put("k", "v");

            server.kill();

            assertThatThrownBy(() -> cache.iterator().forEachRemaining(entry -> {}))
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining(String.valueOf(server.port()));
            assertThatThrownBy(cache::removeAll)
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining(String.valueOf(server.port()));
        }
    }
}
