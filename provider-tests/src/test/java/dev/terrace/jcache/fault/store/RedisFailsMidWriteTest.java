package dev.terrace.jcache.fault.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrace.jcache.redis.RedisServer;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.Factory;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 11, end to end: on {@code heap+disk+redis}, Redis goes away while a write-through put is
 * between its read and its write script (the cache writer kills the server this test started). The near disk
 * tier takes the change, and the writer and the listener must each have seen it once.
 */
class RedisFailsMidWriteTest {

    private static final AtomicInteger WRITES = new AtomicInteger();
    private static final AtomicInteger CREATED = new AtomicInteger();
    private static volatile RedisServer server;

    @Test
    void theWriterRunsOnceAndTheCallerHearsTheOutcomeIsUnknown(@TempDir Path disk) {
        WRITES.set(0);
        CREATED.set(0);
        try (RedisServer redis = RedisServer.start();
                CacheManager manager = StoreCaches.manager(
                        "terrace.stack", "heap+disk+redis",
                        "terrace.l2.path", disk.toString(),
                        "terrace.l3.address", redis.address(),
                        "terrace.l3.timeout-ms", "500",
                        "terrace.l3.connect-timeout-ms", "500")) {
            server = redis;
            MutableConfiguration<String, String> configuration = new MutableConfiguration<String, String>()
                    .setTypes(String.class, String.class)
                    .setWriteThrough(true)
                    .setCacheWriterFactory(killsRedisOnFirstWrite())
                    .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                            FactoryBuilder.factoryOf(CountCreated.class), null, false, true));
            Cache<String, String> cache = manager.createCache("mid-write", configuration);

            // A write-through is user code: Redis refuses to take it later (its effect would be undone at
            // recovery without the caller knowing), so the caller hears that the outcome is unknown.
            assertThatThrownBy(() -> cache.put("k", "v"))
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining("may or may not be stored");

            assertThat(WRITES.get())
                    .as("the cache writer ran once, though Redis failed after it ran")
                    .isEqualTo(1);
            assertThat(CREATED.get())
                    .as("at most one CREATED event, never one per run")
                    .isLessThanOrEqualTo(1);
        }
    }

    @Test
    void aReadThroughLoaderRunsOnceWhenRedisFailsAfterItLoaded() {
        WRITES.set(0);
        try (RedisServer redis = RedisServer.start();
                CacheManager manager = StoreCaches.manager(
                        "terrace.stack", "heap+redis",
                        "terrace.l3.address", redis.address(),
                        "terrace.l3.timeout-ms", "500",
                        "terrace.l3.connect-timeout-ms", "500")) {
            server = redis;
            Factory<CacheLoader<String, String>> loader = () -> new CacheLoader<>() {
                @Override
                public String load(String key) {
                    if (WRITES.incrementAndGet() == 1) {
                        server.kill();
                    }
                    return "loaded-" + key;
                }

                @Override
                public Map<String, String> loadAll(Iterable<? extends String> keys) {
                    Map<String, String> loaded = new HashMap<>();
                    keys.forEach(key -> loaded.put(key, load(key)));
                    return loaded;
                }
            };
            Cache<String, String> cache = manager.createCache(
                    "load-mid-write",
                    new MutableConfiguration<String, String>()
                            .setReadThrough(true)
                            .setCacheLoaderFactory(loader));

            assertThat(cache.get("k")).isEqualTo("loaded-k");
            assertThat(WRITES.get())
                    .as("the loader ran once, though Redis failed after it loaded")
                    .isEqualTo(1);
        }
    }

    private static Factory<CacheWriter<String, String>> killsRedisOnFirstWrite() {
        return () -> new CacheWriter<>() {
            @Override
            public void write(Cache.Entry<? extends String, ? extends String> entry) {
                if (WRITES.incrementAndGet() == 1) {
                    server.kill();
                }
            }

            @Override
            public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
                entries.forEach(this::write);
            }

            @Override
            public void delete(Object key) {}

            @Override
            public void deleteAll(Collection<?> keys) {}
        };
    }

    /** Counts the CREATED events it hears (synchronously). */
    public static final class CountCreated implements CacheEntryCreatedListener<String, String> {
        @Override
        public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            events.forEach(event -> CREATED.incrementAndGet());
        }
    }
}
