package dev.terrace.jcache;

import static dev.terrace.jcache.redis.CommandCounts.commandStats;
import static dev.terrace.jcache.redis.CommandCounts.delta;
import static dev.terrace.jcache.redis.CommandCounts.scriptCalls;
import static dev.terrace.jcache.redis.CommandCounts.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.redis.RedisCluster;
import dev.terrace.jcache.redis.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, the writes besides put that run no user code ({@code remove}, {@code getAndRemove}, {@code replace},
 * {@code getAndReplace}, {@code putIfAbsent}) decided in one call of the write script, with no read before it: counted
 * on a real Redis server, and checked against what the same calls return and count on a heap cache, which decides
 * them with its own compute. Another class loader gives another manager with its own Redis connection: another
 * process, as far as Redis can tell.
 */
class WritesInOneScriptTest {

    /** Script calls allowed besides the writes' own: the coherence log polls each cache's position once a second. */
    private static final int POLLS = 3;

    private final RedisServer server = RedisServer.start();
    private final List<CacheManager> managers = new ArrayList<>();

    @TempDir
    Path work;

    @AfterEach
    void stop() {
        managers.forEach(CacheManager::close);
        server.close();
    }

    private CacheManager manager(String stack, Object... more) {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", stack);
        settings.setProperty("terrace.l3.address", server.address());
        settings.setProperty(
                "terrace.l2.path", work.resolve("l2-" + managers.size()).toString());
        for (int i = 0; i < more.length; i += 2) {
            settings.put(more[i], more[i + 1]);
        }
        ClassLoader loader = new URLClassLoader(new URL[0], getClass().getClassLoader());
        CacheManager manager = Caches.provider().getCacheManager(URI.create("terrace:one-write"), loader, settings);
        managers.add(manager);
        return manager;
    }

    @Test
    void eachWriteOnTheRedisStackIsOneScriptCallAndNoGet() throws IOException {
        Cache<String, String> cache = manager("redis").createCache("writes", new MutableConfiguration<>());
        cache.put("warm", "w");
        Map<String, Function<Integer, Object>> writes = Map.of(
                "remove", i -> cache.remove("k" + i),
                "getAndRemove", i -> cache.getAndRemove("k" + i),
                "replace", i -> cache.replace("k" + i, "r" + i),
                "getAndReplace", i -> cache.getAndReplace("k" + i, "r" + i),
                "putIfAbsent", i -> cache.putIfAbsent("k" + i, "p" + i),
                "replaceIfHolds", i -> cache.replace("k" + i, "v" + i, "r" + i));
        for (Map.Entry<String, Function<Integer, Object>> write : writes.entrySet()) {
            for (int i = 0; i < 5; i++) {
                cache.put("k" + i, "v" + i);
            }
            long seqBefore = sequence(server, "writes");
            Map<String, Long> before = commandStats(server);
            // Five keys that hold an entry, five that hold none.
            for (int i = 0; i < 10; i++) {
                write.getValue().apply(i);
            }
            Map<String, Long> after = commandStats(server);

            assertThat(scriptCalls(before, after))
                    .as("%s: one script call per call, besides the coherence log's polls", write.getKey())
                    .isBetween(10L, 10L + POLLS);
            assertThat(delta(before, after, "get") + delta(before, after, "mget"))
                    .as("%s: no read from the client, only the script's own one (the entry) per call", write.getKey())
                    .isBetween(10L, 10L + 2 * POLLS);
            assertThat(delta(before, after, "publish"))
                    .as("%s: one announcement per change, none where nothing changed", write.getKey())
                    .isEqualTo(5);
            assertThat(sequence(server, "writes"))
                    .as("%s: one sequence number per change", write.getKey())
                    .isEqualTo(seqBefore + 5);
            cache.removeAll();
        }
    }

    /**
     * The same calls, on entries live, expired and absent, return and count on the Redis stacks what they return and
     * count on a heap cache, whose compute decides them from the entry it holds.
     */
    @Test
    void outcomesExpiryAndStatisticsAreThoseOfTheHeapCache() {
        List<String> reference = null;
        for (String stack : List.of("heap", "redis", "heap+disk+redis")) {
            MutableClock clock = new MutableClock(System.currentTimeMillis());
            Cache<String, String> cache = manager(stack, "terrace.clock", clock)
                    .createCache("same-" + stack.replace('+', '-'), expiring(ModifiedExpiryPolicy.class));
            List<String> seen = script(cache, clock);
            if (reference == null) {
                reference = seen;
            } else {
                assertThat(seen)
                        .as("what %s returned and counted, step by step", stack)
                        .isEqualTo(reference);
            }
        }
    }

    /** Runs the calls under test on live, expired and absent entries; returns what each returned, and the counts. */
    private static List<String> script(Cache<String, String> cache, MutableClock clock) {
        List<String> seen = new ArrayList<>();
        cache.put("old", "o");
        clock.advance(Duration.ofSeconds(40));
        for (String key : List.of("a", "b", "c", "d", "e", "f", "g", "h", "i")) {
            cache.put(key, key + "0");
        }
        clock.advance(Duration.ofSeconds(30));
        // Under ModifiedExpiryPolicy: "old" has expired now; a to i are live until 100 s.
        seen.add("putIfAbsent live " + cache.putIfAbsent("a", "a1"));
        seen.add("putIfAbsent absent " + cache.putIfAbsent("x", "x1"));
        seen.add("putIfAbsent expired " + cache.putIfAbsent("old", "o1"));
        seen.add("replace live " + cache.replace("b", "b1"));
        seen.add("replace absent " + cache.replace("y", "y1"));
        seen.add("getAndReplace live " + cache.getAndReplace("c", "c1"));
        seen.add("getAndReplace absent " + cache.getAndReplace("z", "z1"));
        seen.add("remove live " + cache.remove("d"));
        seen.add("remove absent " + cache.remove("w"));
        seen.add("getAndRemove live " + cache.getAndRemove("e"));
        seen.add("getAndRemove absent " + cache.getAndRemove("v"));
        seen.add("replace holding " + cache.replace("g", "g0", "g1"));
        seen.add("replace holding another " + cache.replace("h", "h9", "h1"));
        seen.add("replace holding absent " + cache.replace("u", "u0", "u1"));
        clock.advance(Duration.ofSeconds(40));
        // At 110 s: a, f expired (written at 40 s); b, c, x, old renewed at 70 s, live until 130 s.
        seen.add("replace expired " + cache.replace("f", "f1"));
        seen.add("getAndRemove expired " + cache.getAndRemove("a"));
        seen.add("getAndReplace renewed " + cache.getAndReplace("b", "b2"));
        seen.add("remove renewed " + cache.remove("x"));
        seen.add("replace holding expired " + cache.replace("i", "i0", "i1"));
        clock.advance(Duration.ofSeconds(25));
        // At 135 s: c and old expired; b renewed at 110 s.
        seen.add("remove expired " + cache.remove("c"));
        seen.add("putIfAbsent expired again " + cache.putIfAbsent("old", "o2"));
        for (String key : List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "old", "u", "x", "y", "z")) {
            seen.add(key + " = " + cache.get(key));
        }
        TerraceCache<?, ?> terrace = cache.unwrap(TerraceCache.class);
        seen.add("puts " + terrace.statistics().getCachePuts());
        seen.add("hits " + terrace.statistics().getCacheHits());
        seen.add("misses " + terrace.statistics().getCacheMisses());
        seen.add("removals " + terrace.statistics().getCacheRemovals());
        return seen;
    }

    @Test
    void anotherProcessHearsEachChangeAndDropsItsNearCopy() {
        MutableClock clock = new MutableClock(System.currentTimeMillis());
        List<String> heard = new CopyOnWriteArrayList<>();
        Cache<String, String> writer =
                manager("redis", "terrace.clock", clock).createCache("heard", expiring(CreatedExpiryPolicy.class));
        Cache<String, String> reader = manager("heap+redis", "terrace.clock", clock)
                .createCache(
                        "heard",
                        expiring(CreatedExpiryPolicy.class)
                                .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                                        () -> new EventRecorder.WithRemovedAndExpired(heard), null, true, false)));

        writer.put("k", "a");
        writer.put("gone", "g");
        await().atMost(10, TimeUnit.SECONDS).until(() -> "a".equals(reader.get("k")) && "g".equals(reader.get("gone")));
        assertThat(writer.replace("k", "b")).isTrue();
        await().atMost(10, TimeUnit.SECONDS).until(() -> "b".equals(reader.get("k")));
        assertThat(writer.remove("k")).isTrue();
        await().atMost(10, TimeUnit.SECONDS).until(() -> reader.get("k") == null);
        assertThat(writer.putIfAbsent("k", "c")).isTrue();
        await().atMost(10, TimeUnit.SECONDS).until(() -> "c".equals(reader.get("k")));
        clock.advance(Duration.ofMinutes(2));
        assertThat(writer.getAndRemove("gone"))
                .as("expired at the removal's instant")
                .isNull();

        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(heard.stream().filter(event -> event.contains(" k")))
                    .as("each change of k announced as the event it is, in order, the old value included")
                    .containsExactly("CREATED k=a", "UPDATED k=b (was a)", "REMOVED k (was b)", "CREATED k=c");
            assertThat(heard.stream().filter(event -> event.contains(" gone")))
                    .as("the removal of an entry expired at its instant announced as an expiry")
                    .containsExactly("CREATED gone=g", "EXPIRED gone (was g)");
        });
    }

    @Test
    void aWriteOnAnEntryLockedByAnEntryProcessorElsewhereWaitsForItAndSeesItsValue() throws Exception {
        Cache<String, String> processing =
                manager("redis").createCache("locked", new MutableConfiguration<String, String>());
        Cache<String, String> removing =
                manager("redis").createCache("locked", new MutableConfiguration<String, String>());
        processing.put("k", "a");
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Object> processor = pool.submit(() -> processing.invoke("k", (entry, arguments) -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                entry.setValue("b");
                return null;
            }));
            await().atMost(10, TimeUnit.SECONDS)
                    .until(() -> !server.command("KEYS *lock:*").equals("*0"));
            Future<String> removal = pool.submit(() -> removing.getAndRemove("k"));
            // The removal found the entry locked and waits for its lock.
            await().atMost(10, TimeUnit.SECONDS)
                    .until(() -> !server.command("PUBSUB CHANNELS redisson_lock__channel*")
                            .equals("*0"));
            release.countDown();

            processor.get(10, TimeUnit.SECONDS);
            assertThat(removal.get(10, TimeUnit.SECONDS))
                    .as("the removal was made after the entry processor's change, under the lock")
                    .isEqualTo("b");
            assertThat(processing.get("k")).isNull();
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void onAClusterTheWritesAreDecidedInTheEntrysShard() {
        try (RedisCluster cluster = RedisCluster.start(3);
                CacheManager nearManager = clusterManager(cluster, "heap+redis");
                CacheManager plainManager = clusterManager(cluster, "redis")) {
            Cache<String, String> near = nearManager.createCache("spread", new MutableConfiguration<String, String>());
            Cache<String, String> plain =
                    plainManager.createCache("spread", new MutableConfiguration<String, String>());
            for (int i = 0; i < 20; i++) {
                near.put("k" + i, "v" + i);
            }
            for (int i = 0; i < 20; i++) {
                String key = "k" + i;
                assertThat(near.get(key)).isEqualTo("v" + i);
                switch (i % 4) {
                    case 0 -> assertThat(plain.remove(key)).isTrue();
                    case 1 -> assertThat(plain.getAndReplace(key, "r" + i)).isEqualTo("v" + i);
                    case 2 -> assertThat(plain.putIfAbsent(key, "p" + i)).isFalse();
                    default -> assertThat(plain.getAndRemove(key)).isEqualTo("v" + i);
                }
            }
            for (int i = 0; i < 20; i++) {
                String key = "k" + i;
                String expected = switch (i % 4) {
                    case 1 -> "r" + i;
                    case 2 -> "v" + i;
                    default -> null;
                };
                assertThat(plain.get(key)).as(key).isEqualTo(expected);
                await().atMost(10, TimeUnit.SECONDS)
                        .untilAsserted(() -> assertThat(near.get(key))
                                .as("the near copy of %s follows", key)
                                .isEqualTo(expected));
            }
        }
    }

    private CacheManager clusterManager(RedisCluster cluster, String stack) {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", stack);
        settings.setProperty("terrace.l3.mode", "cluster");
        settings.setProperty("terrace.l3.nodes", cluster.nodes());
        ClassLoader loader = new URLClassLoader(new URL[0], getClass().getClassLoader());
        return Caches.provider().getCacheManager(URI.create("terrace:one-write-cluster"), loader, settings);
    }

    private static MutableConfiguration<String, String> expiring(Class<?> policy) {
        javax.cache.expiry.Duration minute = new javax.cache.expiry.Duration(TimeUnit.MINUTES, 1);
        return new MutableConfiguration<String, String>()
                .setStatisticsEnabled(true)
                .setExpiryPolicyFactory(
                        policy == CreatedExpiryPolicy.class
                                ? CreatedExpiryPolicy.factoryOf(minute)
                                : policy == AccessedExpiryPolicy.class
                                        ? AccessedExpiryPolicy.factoryOf(minute)
                                        : ModifiedExpiryPolicy.factoryOf(minute));
    }
}
