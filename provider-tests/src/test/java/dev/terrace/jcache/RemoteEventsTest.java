package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.redis.RedisServer;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** With Redis, listeners in one process hear of changes made in another (each with its own connection). */
class RemoteEventsTest {

    private final RedisServer server = RedisServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private CacheManager manager() {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", "heap+redis");
        settings.setProperty("terrace.l3.address", server.address());
        // Another class loader gives another manager, with its own Redis connection, for the same URI.
        ClassLoader loader = new URLClassLoader(new URL[0], getClass().getClassLoader());
        return Caches.provider().getCacheManager(URI.create("terrace:remote-events"), loader, settings);
    }

    @Test
    void aListenerHearsOfChangesMadeInAnotherProcessWithOldValues() {
        List<String> heard = new CopyOnWriteArrayList<>();
        try (CacheManager writerSide = manager();
                CacheManager listenerSide = manager()) {
            Cache<String, String> writer = writerSide.createCache("events", new MutableConfiguration<>());
            listenerSide.createCache(
                    "events",
                    new MutableConfiguration<String, String>()
                            .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                                    () -> new EventRecorder.WithRemoved(heard), null, true, false)));

            writer.put("k", "v1");
            writer.put("k", "v2");
            writer.get("k");
            writer.remove("k");

            await().atMost(10, TimeUnit.SECONDS)
                    .untilAsserted(() -> assertThat(heard)
                            .containsExactly("CREATED k=v1", "UPDATED k=v2 (was v1)", "REMOVED k (was v2)"));
        }
    }
}
