package dev.terrace.jcache;

import static dev.terrace.jcache.redis.CommandCounts.commandStats;
import static dev.terrace.jcache.redis.CommandCounts.delta;
import static dev.terrace.jcache.redis.CommandCounts.scriptCalls;
import static dev.terrace.jcache.redis.CommandCounts.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.redis.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
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
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, "writes that run no user code decided in one script call": on a real Redis server a put on a cache
 * without writer, listener or file dependencies and with a JCache expiry policy is one call of the write script,
 * with no GET before it, and it still creates or updates, expires, counts, announces and fences exactly as the
 * read-then-write put did. Another class loader gives another manager with its own Redis connection: another
 * process, as far as Redis can tell.
 */
class PutInOneScriptTest {

    /** Script calls allowed besides the puts' own: the coherence log polls each cache's position once a second. */
    private static final int POLLS = 3;

    private final RedisServer server = RedisServer.start();
    private final List<CacheManager> managers = new ArrayList<>();

    @AfterEach
    void stop() {
        managers.forEach(CacheManager::close);
        server.close();
    }

    private CacheManager manager(String stack, Object... more) {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", stack);
        settings.setProperty("terrace.l3.address", server.address());
        for (int i = 0; i < more.length; i += 2) {
            settings.put(more[i], more[i + 1]);
        }
        ClassLoader loader = new URLClassLoader(new URL[0], getClass().getClassLoader());
        CacheManager manager = Caches.provider().getCacheManager(URI.create("terrace:one-put"), loader, settings);
        managers.add(manager);
        return manager;
    }

    @Test
    void aPutOnTheRedisStackIsOneScriptCallAndNoGet() throws IOException {
        Cache<String, String> cache = manager("redis").createCache("puts", new MutableConfiguration<String, String>());
        cache.put("warm", "w");
        long seqBefore = sequence(server, "puts");

        Map<String, Long> before = commandStats(server);
        for (int i = 0; i < 20; i++) {
            cache.put("k" + (i % 10), "v" + i);
        }
        Map<String, Long> after = commandStats(server);

        assertThat(delta(before, after, "get") + delta(before, after, "mget"))
                .as("no read from the client before a put: only the write script's own one (an MGET of the entry"
                        + " and the control keys) per put, which Redis counts too, and the coherence log's polls")
                .isBetween(20L, 20L + 2 * POLLS);
        assertThat(delta(before, after, "mget"))
                .as("the script reads the entry, the cache's epoch and sequence and the no-interest marker with one"
                        + " MGET per put")
                .isEqualTo(20);
        assertThat(delta(before, after, "type") + delta(before, after, "xrevrange"))
                .as("no TYPE and no XREVRANGE on the hot path: XADD itself refuses a sequence that went backwards")
                .isZero();
        assertThat(scriptCalls(before, after))
                .as("one script call per put (10 creations, 10 updates), besides the coherence log's polls")
                .isBetween(20L, 20L + POLLS);
        assertThat(delta(before, after, "xadd")).as("one log record per put").isEqualTo(20);
        assertThat(delta(before, after, "publish"))
                .as("one announcement per put")
                .isEqualTo(20);
        assertThat(delta(before, after, "time") + delta(before, after, "zrangebyscore"))
                .as("no process has listeners (no interest set): the script reads neither Redis's clock nor the"
                        + " interest set, the no-interest marker (read with the MGET) tells it the announcement"
                        + " carries the key alone")
                .isZero();
        assertThat(delta(before, after, "exists"))
                .as("one EXISTS per put, for the entry's lock; none for the interest set")
                .isBetween(20L, 20L + POLLS);
        assertThat(sequence(server, "puts")).as("one sequence number per put").isEqualTo(seqBefore + 20);
        for (int i = 0; i < 10; i++) {
            assertThat(cache.get("k" + i)).isEqualTo("v" + (i + 10));
        }
    }

    @Test
    void getAndPutIsOneScriptCallAndReturnsThePreviousLiveValue() throws IOException {
        MutableClock clock = new MutableClock(System.currentTimeMillis());
        Cache<String, String> cache = manager("redis", "terrace.clock", clock)
                .createCache("swap", expiring(CreatedExpiryPolicy.class).setStatisticsEnabled(true));
        cache.put("warm", "w");

        List<String> previous = new ArrayList<>();
        Map<String, Long> before = commandStats(server);
        for (int i = 0; i < 20; i++) {
            previous.add(cache.getAndPut("k" + (i % 10), "v" + i));
        }
        Map<String, Long> after = commandStats(server);
        clock.advance(Duration.ofMinutes(2));
        String expired = cache.getAndPut("k0", "c");

        for (int i = 0; i < 20; i++) {
            assertThat(previous.get(i)).isEqualTo(i < 10 ? null : "v" + (i - 10));
        }
        assertThat(expired)
                .as("an entry expired at the put's instant is no previous value")
                .isNull();
        assertThat(cache.get("k0")).isEqualTo("c");
        assertThat(delta(before, after, "get") + delta(before, after, "mget"))
                .as("no read from the client: only the write script's own one per call, and the polls'")
                .isBetween(20L, 20L + 2 * POLLS);
        assertThat(scriptCalls(before, after)).isBetween(20L, 20L + POLLS);
        TerraceCache<?, ?> terrace = cache.unwrap(TerraceCache.class);
        assertThat(terrace.statistics().getCachePuts()).isEqualTo(22);
        assertThat(terrace.statistics().getCacheHits())
                .as("10 getAndPuts found a live entry, and the get")
                .isEqualTo(11);
        assertThat(terrace.statistics().getCacheMisses()).isEqualTo(11);
    }

    @Test
    void anotherProcessHearsCreatedThenUpdatedWithTheOldValueAndDropsItsNearCopy() {
        List<String> heard = new CopyOnWriteArrayList<>();
        Cache<String, String> writer =
                manager("redis").createCache("events", new MutableConfiguration<String, String>());
        Cache<String, String> reader = manager("heap+redis")
                .createCache(
                        "events",
                        new MutableConfiguration<String, String>()
                                .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                                        () -> new EventRecorder(heard), null, true, false)));

        writer.put("k", "a");
        await().atMost(10, TimeUnit.SECONDS).until(() -> "a".equals(reader.get("k")));
        writer.put("k", "b");

        await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(heard)
                        .as("the script chose the event as the read-then-write put did, old value included")
                        .containsExactly("CREATED k=a", "UPDATED k=b (was a)"));
        await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(reader.get("k"))
                        .as("the reader's near copy was dropped")
                        .isEqualTo("b"));
    }

    @Test
    void aLocalListenerStillHearsCreatedThenUpdated() {
        List<String> heard = new CopyOnWriteArrayList<>();
        Cache<String, String> cache = manager("heap+redis")
                .createCache(
                        "local",
                        new MutableConfiguration<String, String>()
                                .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                                        () -> new EventRecorder(heard), null, true, true)));

        cache.put("k", "a");
        cache.put("k", "b");

        assertThat(heard).containsExactly("CREATED k=a", "UPDATED k=b (was a)");
    }

    @Test
    void anUpdateUnderACreatedPolicyKeepsTheExpiryInRedisAndAModifiedOneRenewsIt() {
        MutableClock clock = new MutableClock(System.currentTimeMillis());
        CacheManager manager = manager("heap+redis", "terrace.clock", clock);
        Cache<String, String> created = manager.createCache("created", expiring(CreatedExpiryPolicy.class));
        Cache<String, String> modified = manager.createCache("modified", expiring(ModifiedExpiryPolicy.class));
        created.put("k", "a");
        modified.put("k", "a");

        clock.advance(Duration.ofSeconds(40));
        created.put("k", "b");
        modified.put("k", "b");
        clock.advance(Duration.ofSeconds(30));

        assertThat(created.get("k"))
                .as("an update under CreatedExpiryPolicy keeps the creation's expiry (60 s), passed at 70 s")
                .isNull();
        assertThat(modified.get("k"))
                .as("an update under ModifiedExpiryPolicy expires 60 s after it, at 100 s")
                .isEqualTo("b");
        Cache<String, String> elsewhere =
                manager("redis", "terrace.clock", clock).createCache("modified", expiring(ModifiedExpiryPolicy.class));
        assertThat(elsewhere.get("k"))
                .as("what the script stored in Redis carries the update's expiry")
                .isEqualTo("b");
        clock.advance(Duration.ofSeconds(31));
        assertThat(elsewhere.get("k")).as("and expires with it").isNull();
    }

    @Test
    void anExpiredEntryCountsAsAbsentItsPutIsACreation() {
        MutableClock clock = new MutableClock(System.currentTimeMillis());
        List<String> heard = new CopyOnWriteArrayList<>();
        Cache<String, String> writer = manager("redis", "terrace.clock", clock)
                .createCache("expired", expiring(CreatedExpiryPolicy.class).setStatisticsEnabled(true));
        manager("heap+redis", "terrace.clock", clock)
                .createCache(
                        "expired",
                        expiring(CreatedExpiryPolicy.class)
                                .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                                        () -> new EventRecorder(heard), null, true, false)));

        writer.put("k", "a");
        clock.advance(Duration.ofMinutes(2));
        writer.put("k", "b");
        clock.advance(Duration.ofSeconds(30));

        assertThat(writer.get("k"))
                .as("the put after the expiry is a creation, with the creation's expiry from then")
                .isEqualTo("b");
        await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(heard)
                        .as("the entry that had expired counts as absent: a creation, not an update")
                        .containsExactly("CREATED k=a", "CREATED k=b"));
        TerraceCache<?, ?> terrace = writer.unwrap(TerraceCache.class);
        assertThat(terrace.statistics().getCachePuts()).isEqualTo(2);
        assertThat(terrace.statistics().getCacheHits()).isEqualTo(1);
    }

    @Test
    void putsCountAsPutsAndNeitherHitsNorMisses() {
        Cache<String, String> cache = manager("redis")
                .createCache("stats", new MutableConfiguration<String, String>().setStatisticsEnabled(true));
        cache.put("k", "a");
        cache.put("k", "b");
        cache.put("j", "c");

        TerraceCache<?, ?> terrace = cache.unwrap(TerraceCache.class);
        assertThat(terrace.statistics().getCachePuts()).isEqualTo(3);
        assertThat(terrace.statistics().getCacheHits()).isZero();
        assertThat(terrace.statistics().getCacheMisses()).isZero();
    }

    @Test
    void concurrentPutsFromTwoProcessesAreEachSequencedOnceAndEveryNearCopyConverges() throws Exception {
        List<Cache<String, String>> caches = List.of(
                manager("heap+redis").createCache("race", new MutableConfiguration<String, String>()),
                manager("heap+redis").createCache("race", new MutableConfiguration<String, String>()));
        caches.get(0).put("warm", "w");
        long seqBefore = sequence(server, "race");
        int threads = 4;
        int puts = 250;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Cache<String, String> cache = caches.get(t % 2);
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < puts; i++) {
                        cache.put("k" + (i % 4), "t" + thread + "-" + i);
                        cache.get("k" + (i % 4));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(sequence(server, "race"))
                .as("every put was written exactly once: none lost, none applied twice")
                .isEqualTo(seqBefore + (long) threads * puts);
        Cache<String, String> redis = manager("redis").createCache("race", new MutableConfiguration<String, String>());
        for (int k = 0; k < 4; k++) {
            String key = "k" + k;
            String inRedis = redis.get(key);
            assertThat(inRedis)
                    .as("Redis holds one of the last puts of %s", key)
                    .endsWith("-" + (puts - 1 - (puts - 1 - k) % 4));
            await().atMost(10, TimeUnit.SECONDS)
                    .untilAsserted(() -> assertThat(caches)
                            .as("both processes' near copies of %s agree with Redis", key)
                            .allSatisfy(cache -> assertThat(cache.get(key)).isEqualTo(inRedis)));
        }
    }

    private static MutableConfiguration<String, String> expiring(Class<?> policy) {
        javax.cache.expiry.Duration minute = new javax.cache.expiry.Duration(TimeUnit.MINUTES, 1);
        return new MutableConfiguration<String, String>()
                .setExpiryPolicyFactory(
                        policy == CreatedExpiryPolicy.class
                                ? CreatedExpiryPolicy.factoryOf(minute)
                                : ModifiedExpiryPolicy.factoryOf(minute));
    }
}
