package dev.terrace.jcache;

import static dev.terrace.jcache.redis.CommandCounts.commandStats;
import static dev.terrace.jcache.redis.CommandCounts.delta;
import static dev.terrace.jcache.redis.CommandCounts.scriptCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.redis.RedisProcesses;
import dev.terrace.jcache.redis.RedisServer;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.ExpiryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: the batch write script ({@code redis-write-batch.lua}) reads the shard's no-interest marker with the
 * control keys, in the one {@code MGET} it makes of them, as the single-key script does, and reads the listener
 * interest set (and Redis's clock) only while the marker is missing. Before, every batch call asked {@code EXISTS}
 * of the interest set, and read the clock and the set whenever one was there, even one whose members had all
 * lapsed. The marker is set by a write script that read the set and found no live member, and deleted by the
 * interest script in the same step as it records one, so it never hides a listener: a process that registers one
 * after the marker was set hears the values of the next batch. Counted on a real redis-server ({@code INFO
 * commandstats}, the commands scripts run included); only scripts call {@code TIME} and {@code ZRANGEBYSCORE}.
 */
class BatchInterestMarkerTest {

    /** Script calls allowed besides a batch's own: the coherence log polls each cache's position once a second. */
    private static final int POLLS = 3;

    private static final Duration BOUND = Duration.ofSeconds(10);

    private final RedisServer server = RedisServer.start();
    private final RedisProcesses processes = new RedisProcesses(server.address(), "batch-marker");
    private final List<String> heard = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        processes.close();
        server.close();
    }

    private Cache<String, String> process(String name, MutableConfiguration<String, String> configuration) {
        return processes.manager("redis").createCache(name, configuration);
    }

    private static Map<String, String> entries(int count, String prefix) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            entries.put("k" + i, prefix + i);
        }
        return entries;
    }

    /** The name of the shard's key {@code suffix} of cache {@code cache} (one shard on a single server). */
    private String shardKey(String cache, String suffix) throws IOException {
        return server.command("EVAL \"return redis.call('KEYS', '*" + cache + "}:seq')[1]\" 0")
                .replaceAll("seq$", suffix);
    }

    private String marker(String cache) throws IOException {
        return server.command("EXISTS " + shardKey(cache, "nointerest"));
    }

    @Test
    void putAllOf100WithNoListenerReadsNeitherTheInterestSetNorTheClockOnceABatchSetTheMarker() throws IOException {
        Cache<String, String> cache = process("puts", new MutableConfiguration<>());
        cache.putAll(entries(50, "old"));
        assertThat(marker("puts"))
                .as("the first batch read the (missing) interest set, found no live member and set the marker")
                .isEqualTo(":1");

        Map<String, Long> before = commandStats(server);
        cache.putAll(entries(100, "v"));
        Map<String, Long> after = commandStats(server);

        assertThat(scriptCalls(before, after)).as("one write script call").isBetween(1L, 1L + POLLS);
        assertThat(delta(before, after, "mget"))
                .as("one MGET of the 100 entries, one of the control keys and the marker")
                .isEqualTo(2);
        assertThat(delta(before, after, "exists"))
                .as("one EXISTS, of the 100 locks; none of the interest set")
                .isEqualTo(1);
        assertThat(delta(before, after, "time"))
                .as("the marker spares Redis's clock")
                .isZero();
        assertThat(delta(before, after, "zrangebyscore"))
                .as("the marker spares reading the interest set")
                .isZero();
        assertThat(cache.getAll(entries(100, "v").keySet())).isEqualTo(entries(100, "v"));
    }

    @Test
    void removeAllAndBatchesDecidedHereSpareTheInterestSetToo() throws IOException {
        // An expiry policy of the application's own class: puts are decided here, from what was read (the
        // script's optimistic mode), not by the script.
        Cache<String, String> removals = process("removals", new MutableConfiguration<>());
        Cache<String, String> decidedHere = process(
                "decided-here",
                new MutableConfiguration<String, String>()
                        .setExpiryPolicyFactory(FactoryBuilder.factoryOf(Eternal.class)));
        removals.putAll(entries(100, "v"));
        decidedHere.putAll(entries(50, "old"));
        assertThat(marker("decided-here")).isEqualTo(":1");

        Map<String, Long> before = commandStats(server);
        removals.removeAll(entries(150, "v").keySet());
        decidedHere.putAll(entries(100, "v"));
        Map<String, Long> after = commandStats(server);

        assertThat(delta(before, after, "exists"))
                .as("the locks' EXISTS of each batch; none of the interest set")
                .isEqualTo(2);
        assertThat(delta(before, after, "time")).isZero();
        assertThat(delta(before, after, "zrangebyscore")).isZero();
        assertThat(removals.getAll(entries(150, "v").keySet())).isEmpty();
        assertThat(decidedHere.getAll(entries(100, "v").keySet())).isEqualTo(entries(100, "v"));
    }

    @Test
    void anInterestSetOfLapsedMembersIsReadByOneBatchThenTheMarkerStandsForIt() throws IOException {
        Cache<String, String> cache = process("lapsed", new MutableConfiguration<>());
        cache.putAll(entries(10, "old"));
        // A crashed process's member: its lease ran out long ago, in Redis's time.
        server.command("ZADD " + shardKey("lapsed", "interest") + " 1 0123456789abcdef0123456789abcdef:o");
        server.command("DEL " + shardKey("lapsed", "nointerest"));

        Map<String, Long> before = commandStats(server);
        for (int i = 0; i < 5; i++) {
            cache.putAll(entries(100, "v" + i));
        }
        Map<String, Long> after = commandStats(server);

        assertThat(delta(before, after, "zrangebyscore"))
                .as("the set read by the first batch, which finds no live member and sets the marker")
                .isEqualTo(1);
        assertThat(delta(before, after, "time")).isEqualTo(1);
        assertThat(marker("lapsed")).isEqualTo(":1");
    }

    @Test
    void aListenerRegisteredByAnotherProcessAfterTheMarkerWasSetGetsValuesFromTheNextBatch() throws IOException {
        Cache<String, String> writer = process("heard", new MutableConfiguration<>());
        writer.putAll(entries(10, "a"));
        assertThat(marker("heard"))
                .as("no listener anywhere: the batch set the marker")
                .isEqualTo(":1");

        process("heard", new MutableConfiguration<>())
                .registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
                        () -> new EventRecorder.WithRemoved(heard), null, true, false));
        assertThat(marker("heard"))
                .as("recording the interest deleted the marker")
                .isEqualTo(":0");

        writer.putAll(entries(20, "b")); // 10 updates, 10 creations
        writer.removeAll(entries(5, "b").keySet());

        await().atMost(BOUND).untilAsserted(() -> assertThat(heard).hasSize(20 + 5));
        assertThat(heard.stream().filter(e -> e.matches("[A-Z]+ k3[= ].*")).toList())
                .as("the batches after the registration carried the values and old values it wants")
                .containsExactly("UPDATED k3=b3 (was a3)", "REMOVED k3 (was b3)");
        assertThat(heard).contains("CREATED k15=b15");
        assertThat(marker("heard"))
                .as("a live member: the batch script sets no marker")
                .isEqualTo(":0");
    }

    /** Eternal entries, by a policy of the application's own class (so asked, not assumed). */
    public static final class Eternal implements ExpiryPolicy, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public javax.cache.expiry.Duration getExpiryForCreation() {
            return javax.cache.expiry.Duration.ETERNAL;
        }

        @Override
        public javax.cache.expiry.Duration getExpiryForAccess() {
            return null;
        }

        @Override
        public javax.cache.expiry.Duration getExpiryForUpdate() {
            return null;
        }
    }
}
