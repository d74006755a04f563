package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.internal.tier.TierUnavailableException;
import dev.terrace.jcache.redis.RedisServer;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.processor.MutableEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A caller whose thread is already interrupted (a servlet container's or an executor's timeout or cancel)
 * makes a cache call on a Redis stack. On main, Redisson gave up waiting for the reply at once and Terrace took
 * that for an outage: Redis was marked down for every thread. Now the call is made (bounded by the timeouts, as
 * any call), or fails with a {@link CacheException} that says it was interrupted; either way its interrupt
 * status is kept, Redis is not marked down, no key's lock is left behind, every tier agrees with Redis, and other
 * threads' calls, and the caller's next one, go on as before.
 */
class InterruptedCallerTest {

    private final RedisServer server = RedisServer.start();
    private final ExecutorService other = Executors.newSingleThreadExecutor();

    @TempDir
    Path disk;

    @AfterEach
    void stop() {
        other.shutdownNow();
        server.close();
    }

    /** A manager as a process of its own would have it (its own class loader), sharing Redis by its name. */
    private CacheManager manager(String name, String stack) {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", stack);
        settings.setProperty("terrace.l3.address", server.address());
        settings.setProperty("terrace.l3.timeout-ms", "2000");
        settings.setProperty("terrace.l3.connect-timeout-ms", "2000");
        if (stack.contains("disk")) {
            settings.setProperty("terrace.l2.path", disk.toString());
        }
        ClassLoader loader = new URLClassLoader(new URL[0], InterruptedCallerTest.class.getClassLoader());
        return Caches.provider().getCacheManager(URI.create("terrace:" + name), loader, settings);
    }

    private static TerraceCacheManager terrace(CacheManager manager) {
        return manager.unwrap(TerraceCacheManager.class);
    }

    /** Runs {@code call} on this thread, interrupted first; returns whether the interrupt status was kept. */
    private static boolean interrupted(Consumer<Cache<String, String>> call, Cache<String, String> cache) {
        Thread.currentThread().interrupt();
        try {
            call.accept(cache);
        } catch (CacheException e) {
            assertThat(e)
                    .as("an interrupted call is no outage")
                    .isNotInstanceOf(TierUnavailableException.class)
                    .hasMessageContaining("interrupted")
                    .hasMessageNotContaining("is unreachable");
        } finally {
            // Clears the flag for the rest of the test, and says whether it was still set.
            return Thread.interrupted();
        }
    }

    private void assertStillInService(CacheManager manager, Cache<String, String> cache) throws Exception {
        assertThat(terrace(manager).redis().isDown())
                .as("an interrupted caller must not mark Redis down")
                .isFalse();
        CompletableFuture<String> elsewhere = CompletableFuture.supplyAsync(
                () -> {
                    cache.put("other", "fine");
                    return cache.get("other");
                },
                other);
        assertThat(elsewhere.get()).as("another thread's calls go on").isEqualTo("fine");
        cache.put("after", "ok");
        assertThat(cache.get("after")).as("the caller's next call goes on").isEqualTo("ok");
        assertThat(terrace(manager).redis().isDown()).isFalse();
    }

    private static Consumer<Cache<String, String>> call(String name) {
        switch (name) {
            case "get":
                return cache -> cache.get("k");
            case "put":
                return cache -> cache.put("k", "new");
            case "remove":
                return cache -> cache.remove("k");
            case "replace":
                return cache -> cache.replace("k", "v", "new");
            case "invoke":
                return cache -> cache.invoke("k", (MutableEntry<String, String> entry, Object... arguments) -> {
                    entry.setValue("new");
                    return null;
                });
            case "getAll":
                return cache -> cache.getAll(Set.of("k", "k2"));
            case "putAll":
                return cache -> {
                    Map<String, String> all = new LinkedHashMap<>();
                    all.put("k", "new");
                    all.put("k2", "new");
                    cache.putAll(all);
                };
            case "iterator":
                return cache -> cache.iterator().forEachRemaining(entry -> {});
            case "clear":
                return Cache::clear;
            case "removeAll":
                return Cache::removeAll;
            case "containsKey":
                return cache -> cache.containsKey("k");
            default:
                throw new IllegalArgumentException(name);
        }
    }

    private void check(String stack, String operation) throws Exception {
        String name = "interrupted-" + stack.replace('+', '-') + "-" + operation;
        try (CacheManager manager = manager(name, stack)) {
            Cache<String, String> cache = manager.createCache("interrupted", new MutableConfiguration<>());
            cache.put("k", "v");
            cache.put("k2", "v2");
            assertThat(cache.get("k")).isEqualTo("v");

            boolean kept = interrupted(call(operation), cache);

            assertThat(kept).as("the caller's interrupt status is kept").isTrue();
            assertStillInService(manager, cache);
            // Whatever the interrupted call did or did not store, every tier agrees with Redis afterwards.
            String k = cache.get("k");
            try (CacheManager fresh = manager(name, "redis")) {
                Cache<String, String> direct = fresh.createCache("interrupted", new MutableConfiguration<>());
                assertThat(direct.get("k"))
                        .as("what %s serves for k is what Redis holds", stack)
                        .isEqualTo(k);
            }
            // No lock of k was left behind by the interrupted call: another thread changes k at once.
            CompletableFuture<Boolean> change = CompletableFuture.supplyAsync(
                    () -> cache.invoke("k", (MutableEntry<String, String> entry, Object... arguments) -> {
                        entry.setValue("changed");
                        return true;
                    }),
                    other);
            assertThat(change.get()).isTrue();
            assertThat(cache.get("k")).isEqualTo("changed");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "get",
                "put",
                "remove",
                "replace",
                "invoke",
                "getAll",
                "putAll",
                "iterator",
                "clear",
                "removeAll",
                "containsKey"
            })
    void onTheRedisStackAnInterruptedCallerIsNoOutage(String operation) throws Exception {
        check("redis", operation);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "get",
                "put",
                "remove",
                "replace",
                "invoke",
                "getAll",
                "putAll",
                "iterator",
                "clear",
                "removeAll",
                "containsKey"
            })
    void onTheHeapDiskRedisStackAnInterruptedCallerIsNoOutage(String operation) throws Exception {
        check("heap+disk+redis", operation);
    }
}
