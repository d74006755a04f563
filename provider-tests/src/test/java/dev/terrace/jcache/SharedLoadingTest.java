package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.redis.RedisServer;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With Redis, a missing key is loaded once however many cache managers (each with its own Redis connection,
 * as separate processes have) miss it together: one loads, the others wait and read its result.
 */
class SharedLoadingTest {

    private final RedisServer server = RedisServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aMissingKeyIsLoadedOnceAcrossManagers() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch allAsking = new CountDownLatch(4);
        CacheLoader<String, String> slowLoader = new CacheLoader<>() {
            @Override
            public String load(String key) {
                loads.incrementAndGet();
                try {
                    allAsking.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "loaded-" + key;
            }

            @Override
            public Map<String, String> loadAll(Iterable<? extends String> keys) {
                throw new UnsupportedOperationException();
            }
        };
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", "heap+redis");
        settings.setProperty("terrace.l3.address", server.address());
        URI uri = URI.create("terrace:shared-loading");
        List<CacheManager> managers = new ArrayList<>();
        List<Cache<String, String>> caches = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            // Another class loader gives another manager, with its own Redis connection, for the same URI.
            ClassLoader loader = new URLClassLoader(new URL[0], getClass().getClassLoader());
            CacheManager manager = Caches.provider().getCacheManager(uri, loader, settings);
            managers.add(manager);
            caches.add(manager.createCache(
                    "loaded",
                    new MutableConfiguration<String, String>()
                            .setReadThrough(true)
                            .setCacheLoaderFactory(() -> slowLoader)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (Cache<String, String> cache : caches) {
                results.add(pool.submit(() -> {
                    allAsking.countDown();
                    return cache.get("k");
                }));
            }
            for (Future<String> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo("loaded-k");
            }
        } finally {
            pool.shutdownNow();
            managers.forEach(CacheManager::close);
        }
        assertThat(loads.get())
                .as("loader calls for one key missed by four managers at once")
                .isEqualTo(1);
    }
}
