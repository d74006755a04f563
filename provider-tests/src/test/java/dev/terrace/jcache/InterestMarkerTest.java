package dev.terrace.jcache;

import static dev.terrace.jcache.redis.CommandCounts.commandStats;
import static dev.terrace.jcache.redis.CommandCounts.delta;
import static dev.terrace.jcache.redis.CommandCounts.scriptCalls;
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
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: a single-key put reads the entry, the epoch, the sequence and the shard's no-interest marker with one
 * MGET, and reads the listener interest set (and Redis's clock) only while the marker is missing. The marker is set
 * by the write script when it finds no live member and deleted by the interest script before it records one, so it
 * never hides a listener: a process that registers a listener after another's puts hears the values of the puts
 * that follow; a lapsed lease counts as no listener; a marker lost (deleted by hand) costs one read of the set.
 */
class InterestMarkerTest {

    private static final int PUTS = 50;
    /** Calls of the coherence log's polls and the interest renewals that may fall into a measured window. */
    private static final long POLLS = 12;

    private static final Duration BOUND = Duration.ofSeconds(10);

    private final RedisServer server = RedisServer.start();
    private final List<CacheManager> managers = new ArrayList<>();
    private final List<String> heard = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        managers.forEach(CacheManager::close);
        server.close();
    }

    /** Another class loader gives another manager, with its own Redis connection and origin, for the same URI. */
    private Cache<String, String> process() {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", "redis");
        settings.setProperty("terrace.l3.address", server.address());
        ClassLoader loader = new URLClassLoader(new URL[0], getClass().getClassLoader());
        CacheManager manager = Caches.provider().getCacheManager(URI.create("terrace:marker"), loader, settings);
        managers.add(manager);
        Cache<String, String> cache = manager.getCache("marked", String.class, String.class);
        return cache != null
                ? cache
                : manager.createCache(
                        "marked", new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    }

    private String shardKey(String suffix) throws IOException {
        return server.command("EVAL \"return redis.call('KEYS', '*marked}:seq')[1]\" 0")
                .replaceAll("seq$", suffix);
    }

    @Test
    void withNoListenerAPutReadsOnceAndNeitherTheInterestSetNorTheClock() throws IOException {
        Cache<String, String> cache = process();
        cache.put("warm", "w");

        Map<String, Long> before = commandStats(server);
        for (int i = 0; i < PUTS; i++) {
            cache.put("k" + i, "v" + i);
        }
        Map<String, Long> after = commandStats(server);

        assertThat(scriptCalls(before, after)).as("one script call per put").isBetween((long) PUTS, PUTS + POLLS);
        assertThat(delta(before, after, "mget"))
                .as("the entry, epoch, sequence and marker in one MGET per put")
                .isBetween((long) PUTS, PUTS + POLLS);
        assertThat(delta(before, after, "get"))
                .as("no GET of the entry besides the MGET")
                .isLessThanOrEqualTo(POLLS);
        assertThat(delta(before, after, "exists"))
                .as("one EXISTS per put, the lock's; none of the interest set")
                .isBetween((long) PUTS, PUTS + POLLS);
        assertThat(delta(before, after, "time"))
                .as("the marker spares Redis's clock")
                .isLessThanOrEqualTo(POLLS);
        assertThat(delta(before, after, "zrangebyscore"))
                .as("the marker spares reading the interest set")
                .isZero();
    }

    @Test
    void aLapsedInterestIsReadOnceThenTheMarkerStandsForIt() throws IOException {
        Cache<String, String> cache = process();
        cache.put("warm", "w");
        // A crashed process's member: its lease ran out long ago, in Redis's time.
        server.command("ZADD " + shardKey("interest") + " 1 0123456789abcdef0123456789abcdef:o");
        server.command("DEL " + shardKey("nointerest"));

        Map<String, Long> before = commandStats(server);
        for (int i = 0; i < PUTS; i++) {
            cache.put("k" + i, "v" + i);
        }
        Map<String, Long> after = commandStats(server);

        assertThat(delta(before, after, "zrangebyscore"))
                .as("the set read by the first put, which finds no live member and sets the marker")
                .isEqualTo(1);
        assertThat(server.command("EXISTS " + shardKey("nointerest"))).isEqualTo(":1");
    }

    @Test
    void aListenerRegisteredAfterAnotherProcesssPutsHearsTheValuesOfThePutsThatFollow() throws IOException {
        Cache<String, String> writer = process();
        for (int i = 0; i < 5; i++) {
            writer.put("before" + i, "v");
        }
        assertThat(server.command("EXISTS " + shardKey("nointerest")))
                .as("no listener anywhere: the puts set the marker")
                .isEqualTo(":1");

        Cache<String, String> listening = process();
        listening.registerCacheEntryListener(
                new MutableCacheEntryListenerConfiguration<>(() -> new EventRecorder(heard), null, true, false));
        assertThat(server.command("EXISTS " + shardKey("nointerest")))
                .as("recording the interest deleted the marker")
                .isEqualTo(":0");

        writer.put("after", "new");
        writer.put("after", "newer");
        await().atMost(BOUND)
                .untilAsserted(
                        () -> assertThat(heard).containsExactly("CREATED after=new", "UPDATED after=newer (was new)"));
    }

    @Test
    void aMarkerLostWhileAListenerIsRegisteredCostsOneReadOfTheSet() throws IOException {
        Cache<String, String> writer = process();
        Cache<String, String> listening = process();
        listening.registerCacheEntryListener(
                new MutableCacheEntryListenerConfiguration<>(() -> new EventRecorder(heard), null, false, false));
        writer.put("k", "1");
        await().atMost(BOUND).untilAsserted(() -> assertThat(heard).containsExactly("CREATED k=1"));
        // Neither set nor deleted by hand can make a marker stand beside the live member: only its absence is
        // possible (evicted, deleted), and that reads the set.
        server.command("DEL " + shardKey("nointerest"));
        writer.put("k", "2");
        await().atMost(BOUND).untilAsserted(() -> assertThat(heard).hasSize(2));
        assertThat(heard.get(1)).as("the value travels to the listener").startsWith("UPDATED k=2 ");
        assertThat(server.command("EXISTS " + shardKey("nointerest")))
                .as("a live member: the write script sets no marker")
                .isEqualTo(":0");
    }
}
