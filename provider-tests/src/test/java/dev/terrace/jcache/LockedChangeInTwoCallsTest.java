package dev.terrace.jcache;

import static dev.terrace.jcache.redis.CommandCounts.commandStats;
import static dev.terrace.jcache.redis.CommandCounts.delta;
import static dev.terrace.jcache.redis.CommandCounts.scriptCalls;
import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.redis.RedisCluster;
import dev.terrace.jcache.redis.RedisProcesses;
import dev.terrace.jcache.redis.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, {@code invoke} on the Redis stack: a locked change (an entry processor, and so a load or a write-through)
 * costs two calls to Redis in the common case, counted on a real server: one script that takes the key's lock and
 * returns the entry, and one that writes, logs, announces and releases the lock together (or releases it alone when
 * the processor changes nothing). Before, it cost four: the lock, a GET, the write script and the unlock. Another
 * class loader gives another manager with its own Redis connection: another process, as far as Redis can tell.
 */
class LockedChangeInTwoCallsTest {

    /** Script calls allowed besides the changes' own: the coherence log polls each cache's position once a second. */
    private static final int POLLS = 3;

    private static final int INVOKES = 20;

    private final RedisServer server = RedisServer.start();
    private final RedisProcesses processes = new RedisProcesses(server.address(), "two-calls");

    @AfterEach
    void stop() {
        processes.close();
        server.close();
    }

    private CacheManager manager() {
        return processes.manager("redis");
    }

    @Test
    void anInvokeThatChangesTheEntryIsTwoScriptCallsAndNoGetFromTheClient() throws IOException {
        Cache<String, Integer> cache = manager().createCache("counters", new MutableConfiguration<>());
        cache.put("warm", 0);
        Map<String, Long> before = commandStats(server);
        for (int i = 0; i < INVOKES; i++) {
            // Half on keys that hold no entry (a creation), half on keys that hold one (an update).
            cache.invoke("k" + (i % (INVOKES / 2)), (entry, arguments) -> {
                entry.setValue(entry.exists() ? entry.getValue() + 1 : 1);
                return null;
            });
        }
        Map<String, Long> after = commandStats(server);

        assertThat(scriptCalls(before, after))
                .as("two script calls per invoke (take the lock and read; write and release), besides polls")
                .isBetween(2L * INVOKES, 2L * INVOKES + POLLS);
        assertThat(delta(before, after, "get") + delta(before, after, "mget"))
                .as("no read from the client: one inside each of the two scripts")
                .isBetween(2L * INVOKES, 2L * INVOKES + 2 * POLLS);
        assertThat(delta(before, after, "hincrby"))
                .as("the lock taken and released once per invoke")
                .isEqualTo(2L * INVOKES);
        assertThat(delta(before, after, "publish"))
                .as("one announcement per change, and one release message per lock")
                .isEqualTo(2L * INVOKES);
        for (int i = 0; i < INVOKES / 2; i++) {
            assertThat(cache.get("k" + i)).isEqualTo(2);
        }
    }

    @Test
    void anInvokeThatChangesNothingIsTwoScriptCallsToo() throws IOException {
        Cache<String, Integer> cache = manager().createCache("reads", new MutableConfiguration<>());
        cache.put("k", 7);
        Map<String, Long> before = commandStats(server);
        for (int i = 0; i < INVOKES; i++) {
            Integer seen = cache.invoke("k", (entry, arguments) -> entry.getValue());
            assertThat(seen).isEqualTo(7);
        }
        Map<String, Long> after = commandStats(server);

        assertThat(scriptCalls(before, after))
                .as("the lock taken with the read, then released alone: two script calls, besides polls")
                .isBetween(2L * INVOKES, 2L * INVOKES + POLLS);
        assertThat(delta(before, after, "get"))
                .as("no GET from the client, one in the script that takes the lock; none for an unlock latch")
                .isBetween((long) INVOKES, INVOKES + 2L * POLLS);
        assertThat(delta(before, after, "xadd"))
                .as("nothing changed, nothing logged")
                .isZero();
    }

    /**
     * Two processes invoke the same keys at once: each processor runs once per invoke and no increment is lost,
     * whether the lock was free (taken by the script) or held by the other process (waited for, woken by the
     * release message the write script publishes).
     */
    @Test
    void twoProcessesInvokingTheSameKeysRunEachProcessorOnceAndLoseNoIncrement() throws Exception {
        Cache<String, Integer> one = manager().createCache("shared", new MutableConfiguration<>());
        Cache<String, Integer> two = manager().createCache("shared", new MutableConfiguration<>());
        invokeFromBoth(one, two);
        assertThat(server.command("KEYS *lock:*")).as("no lock left behind").isEqualTo("*0");
    }

    /**
     * The same on a Cluster, where Redisson's waiters may listen on shard channels: the release the write script
     * publishes (with the command Redisson's own unlock uses) wakes them, or they would wait out the lease and fail.
     */
    @Test
    void onAClusterTwoProcessesInvokingTheSameKeysLoseNoIncrement() throws Exception {
        try (RedisCluster cluster = RedisCluster.start(3);
                CacheManager first = clusterManager(cluster);
                CacheManager second = clusterManager(cluster)) {
            invokeFromBoth(
                    first.createCache("shared", new MutableConfiguration<String, Integer>()),
                    second.createCache("shared", new MutableConfiguration<String, Integer>()));
        }
    }

    private CacheManager clusterManager(RedisCluster cluster) {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", "redis");
        settings.setProperty("terrace.l3.mode", "cluster");
        settings.setProperty("terrace.l3.nodes", cluster.nodes());
        ClassLoader loader = new URLClassLoader(new URL[0], getClass().getClassLoader());
        return Caches.provider().getCacheManager(URI.create("terrace:two-calls-cluster"), loader, settings);
    }

    private static void invokeFromBoth(Cache<String, Integer> one, Cache<String, Integer> two) throws Exception {
        AtomicInteger runs = new AtomicInteger();
        int threads = 4;
        int perThread = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Cache<String, Integer> cache = t % 2 == 0 ? one : two;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        cache.invoke("n" + (i % 2), (entry, arguments) -> {
                            runs.incrementAndGet();
                            entry.setValue(entry.exists() ? entry.getValue() + 1 : 1);
                            return null;
                        });
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(runs).as("each processor ran once").hasValue(threads * perThread);
        assertThat(one.get("n0") + one.get("n1"))
                .as("no increment lost across the two processes")
                .isEqualTo(threads * perThread);
    }
}
