package dev.terrace.jcache;

import static dev.terrace.jcache.redis.CommandCounts.commandStats;
import static dev.terrace.jcache.redis.CommandCounts.delta;
import static dev.terrace.jcache.redis.CommandCounts.scriptCalls;
import static dev.terrace.jcache.redis.CommandCounts.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.redis.RedisProcesses;
import dev.terrace.jcache.redis.RedisServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.integration.CacheWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, "the shared tier at scale", batch operations: on a real Redis server, {@code getAll}, {@code putAll},
 * iteration and {@code removeAll} of many keys cost one script call per shard (one round trip per node) instead of
 * one or two round trips per key, while every JCache rule (statistics, expiry, the writer's batches, events heard
 * in another process) and coherence with another process's near copies stay as they were.
 *
 * <p>Round trips are counted on the server ({@code INFO commandstats}): a batch makes no plain {@code GET} from the
 * client and a handful of script calls, where key-by-key work makes one {@code GET} or script call per key. The
 * coherence log's own once-a-second poll is a script call too, hence the small allowance.
 */
class RedisBatchTest {

    /** Script calls allowed besides a batch's own: the coherence log polls each cache's position once a second. */
    private static final int POLLS = 3;

    private final RedisServer server = RedisServer.start();
    private final RedisProcesses processes = new RedisProcesses(server.address(), "batches");

    @AfterEach
    void stop() {
        processes.close();
        server.close();
    }

    private CacheManager manager(String stack, Object... more) {
        return processes.manager(stack, more);
    }

    private static Map<String, String> entries(int count, String prefix) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            entries.put("k" + i, prefix + i);
        }
        return entries;
    }

    @Test
    void getAllOf100KeysIsOneMgetAndNoGetPerKey() throws IOException {
        Cache<String, String> cache = manager("redis").createCache("reads", new MutableConfiguration<String, String>());
        Map<String, String> entries = entries(100, "v");
        cache.putAll(entries);
        cache.getAll(Set.of("k0", "k1"));

        Map<String, Long> before = commandStats(server);
        Map<String, String> read = cache.getAll(new TreeSet<>(entries.keySet()));
        Map<String, Long> after = commandStats(server);

        assertThat(read).isEqualTo(entries);
        assertThat(delta(before, after, "get"))
                .as("no GET per key: the batch reads with one MGET")
                .isZero();
        assertThat(delta(before, after, "mget")).as("one MGET for the 100 keys").isEqualTo(1);
        assertThat(scriptCalls(before, after))
                .as("a plain MGET, no script (whose reply Lua would convert twice), besides the coherence log's polls")
                .isBetween(0L, (long) POLLS);
    }

    @Test
    void putAllOf100KeysIsOneWriteScriptWithNoReadBeforeItLoggedAndAnnouncedOnce() throws IOException {
        Cache<String, String> cache =
                manager("redis").createCache("writes", new MutableConfiguration<String, String>());
        cache.putAll(Map.of("warm1", "w", "warm2", "w"));
        cache.putAll(entries(50, "old"));
        long seqBefore = sequence(server, "writes");

        Map<String, Long> before = commandStats(server);
        cache.putAll(entries(100, "v"));
        Map<String, Long> after = commandStats(server);

        assertThat(delta(before, after, "mget"))
                .as("no read before the write: the script decides each put (50 updates, 50 creations) itself, from"
                        + " its own two MGETs (the entries, the control keys; see BatchWriteCommandsTest)")
                .isEqualTo(2);
        assertThat(delta(before, after, "get"))
                .as("no GET per entry, the coherence log's polls aside")
                .isLessThanOrEqualTo(3L * POLLS);
        assertThat(scriptCalls(before, after))
                .as("one write script call for 100 puts, besides the coherence log's polls")
                .isBetween(1L, 1L + POLLS);
        assertThat(delta(before, after, "xadd"))
                .as("one log record for the script call's 100 changes (see BatchLogTest)")
                .isEqualTo(1);
        assertThat(delta(before, after, "publish"))
                .as("one announcement for the script call's 100 changes")
                .isEqualTo(1);
        assertThat(sequence(server, "writes"))
                .as("one sequence number per script call")
                .isEqualTo(seqBefore + 1);
        assertThat(cache.getAll(entries(100, "v").keySet())).isEqualTo(entries(100, "v"));
    }

    @Test
    void batchWritesInvalidateTheNearCopiesOfAnotherProcessAndItsListenersHearThem() {
        List<String> heard = new CopyOnWriteArrayList<>();
        Cache<String, String> writer =
                manager("heap+redis").createCache("coherent", new MutableConfiguration<String, String>());
        Cache<String, String> reader = manager("heap+redis")
                .createCache(
                        "coherent",
                        new MutableConfiguration<String, String>()
                                .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                                        () -> new EventRecorder.WithRemovedAndExpired(heard), null, true, false)));
        writer.putAll(entries(50, "old"));
        assertThat(reader.getAll(entries(50, "old").keySet()))
                .as("the reader's near copies filled")
                .isEqualTo(entries(50, "old"));

        writer.putAll(entries(50, "new"));
        await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(reader.getAll(entries(50, "new").keySet()))
                        .as("the reader's near copies of the old values were dropped")
                        .isEqualTo(entries(50, "new")));

        writer.removeAll(entries(50, "new").keySet());
        await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(reader.getAll(entries(50, "new").keySet()))
                        .as("the reader's near copies of removed entries were dropped")
                        .isEmpty());
        await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(heard)
                        .as("the reader's listener heard each batched change, as if made one by one")
                        .hasSize(150)
                        .contains("CREATED k7=old7", "UPDATED k7=new7 (was old7)", "REMOVED k7 (was new7)"));
    }

    @Test
    void batchesKeepStatisticsAndExpiry() {
        MutableClock clock = new MutableClock();
        Cache<String, String> cache = manager("heap+disk+redis", "terrace.clock", clock, "terrace.l2.path", disk())
                .createCache(
                        "stats",
                        new MutableConfiguration<String, String>()
                                .setStatisticsEnabled(true)
                                .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(
                                        new javax.cache.expiry.Duration(TimeUnit.MINUTES, 1))));
        TerraceCache<String, String> terrace = cache.unwrap(TerraceCache.class);
        cache.putAll(entries(100, "v"));
        assertThat(terrace.statistics().getCachePuts()).isEqualTo(100);

        Set<String> keys = new TreeSet<>(entries(110, "v").keySet());
        assertThat(cache.getAll(keys)).hasSize(100);
        assertThat(terrace.statistics().getCacheHits()).isEqualTo(100);
        assertThat(terrace.statistics().getCacheMisses()).isEqualTo(10);

        clock.advance(Duration.ofMinutes(2));
        assertThat(cache.getAll(keys)).as("every entry expired").isEmpty();
        assertThat(terrace.statistics().getCacheMisses()).isEqualTo(120);
        assertThat(cache.iterator().hasNext())
                .as("expired entries are not iterated")
                .isFalse();
    }

    @Test
    void iterating1000EntriesReadsThemInPagesAndNoGetPerEntry() throws IOException {
        Cache<String, String> cache = manager("redis").createCache("walk", new MutableConfiguration<String, String>());
        Map<String, String> entries = entries(1000, "v");
        cache.putAll(entries);

        Map<String, Long> before = commandStats(server);
        Map<String, String> seen = new HashMap<>();
        for (Cache.Entry<String, String> entry : cache) {
            seen.put(entry.getKey(), entry.getValue());
        }
        Map<String, Long> after = commandStats(server);

        assertThat(seen).isEqualTo(entries);
        assertThat(delta(before, after, "get"))
                .as("no GET per entry (a few from the cache's upkeep while the walk runs)")
                .isLessThanOrEqualTo(POLLS);
        assertThat(delta(before, after, "mget"))
                .as("one read per page of 1,000 keys, as many as one SCAN lists")
                .isBetween(1L, 2L);
        assertThat(delta(before, after, "scan"))
                .as("SCAN in pages of 1,000 names")
                .isLessThanOrEqualTo(3);
    }

    @Test
    void removeAllOfAThousandEntriesDeletesThroughTheWriterInOneBatchAndCountsEachRemoval() throws IOException {
        List<Collection<?>> deleted = new CopyOnWriteArrayList<>();
        Cache<String, String> cache = manager("heap+redis")
                .createCache(
                        "purge",
                        new MutableConfiguration<String, String>()
                                .setStatisticsEnabled(true)
                                .setWriteThrough(true)
                                .setCacheWriterFactory(() -> new DeleteRecorder(deleted)));
        cache.putAll(entries(1000, "v"));

        Map<String, Long> before = commandStats(server);
        cache.removeAll();
        Map<String, Long> after = commandStats(server);

        assertThat(cache.iterator().hasNext()).isFalse();
        assertThat(deleted).as("one deleteAll with every key").hasSize(1);
        assertThat(deleted.get(0)).hasSize(1000);
        assertThat(cache.unwrap(TerraceCache.class).statistics().getCacheRemovals())
                .isEqualTo(1000);
        assertThat(delta(before, after, "xadd"))
                .as("one log record per script call of 500 removals")
                .isEqualTo(2);
        assertThat(delta(before, after, "mget"))
                .as("the walk over the keys answered by the heap's near copies, and no read before the removals:"
                        + " only each write script's own two MGETs")
                .isEqualTo(4);
        assertThat(scriptCalls(before, after))
                .as("one write script per 500 removals, each deciding its removals itself")
                .isBetween(2L, 2L + POLLS);
    }

    @Test
    void removeAllWithoutWriterDeletesPagesOfKeysWithoutReadingThemAndCountsLiveOnes() throws IOException {
        Cache<String, String> cache = manager("redis")
                .createCache("sweep", new MutableConfiguration<String, String>().setStatisticsEnabled(true));
        cache.putAll(entries(1000, "v"));
        long seqBefore = sequence(server, "sweep");

        Map<String, Long> before = commandStats(server);
        cache.removeAll();
        Map<String, Long> after = commandStats(server);

        assertThat(cache.iterator().hasNext()).as("every entry removed").isFalse();
        assertThat(cache.unwrap(TerraceCache.class).statistics().getCacheRemovals())
                .as("each live entry removed counts once")
                .isEqualTo(1000);
        assertThat(delta(before, after, "mget"))
                .as("no page of values read before the removals: only each write script's own two MGETs")
                .isEqualTo(4);
        assertThat(scriptCalls(before, after))
                .as("one write script per 500 removals, besides the coherence log's polls")
                .isBetween(2L, 2L + POLLS);
        assertThat(delta(before, after, "xadd"))
                .as("one log record per script call of 500 removals")
                .isEqualTo(2);
        assertThat(delta(before, after, "publish"))
                .as("one announcement per script call of 500 removals")
                .isEqualTo(2);
        assertThat(sequence(server, "sweep")).isEqualTo(seqBefore + 2);

        cache.removeAll();
        assertThat(cache.unwrap(TerraceCache.class).statistics().getCacheRemovals())
                .as("removing from an empty cache removes nothing")
                .isEqualTo(1000);
    }

    @Test
    void decidedBatchesGiveCreatedAndUpdatedEntriesTheirOwnExpiryAndCountAsPutsAndRemovals() {
        decidedBatchesKeepExpiryAndStatistics("heap+disk+redis");
    }

    @Test
    void decidedBatchesOnRedisAloneGiveCreatedAndUpdatedEntriesTheirOwnExpiry() {
        decidedBatchesKeepExpiryAndStatistics("redis");
    }

    private void decidedBatchesKeepExpiryAndStatistics(String stack) {
        // An hour ahead of the server's clock: Redis reclaims an entry (PXAT) a grace period after its expiry
        // instant by its own clock, so it must hold every entry of the test, expired or not, and the cache decide.
        MutableClock clock = new MutableClock(
                System.currentTimeMillis() + Duration.ofHours(1).toMillis());
        Cache<String, String> cache = manager(stack, "terrace.clock", clock, "terrace.l2.path", disk())
                .createCache(
                        "expiring",
                        new MutableConfiguration<String, String>()
                                .setStatisticsEnabled(true)
                                .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(
                                        new javax.cache.expiry.Duration(TimeUnit.SECONDS, 60))));
        TerraceCache<String, String> terrace = cache.unwrap(TerraceCache.class);
        cache.putAll(entries(50, "old"));
        clock.advance(Duration.ofSeconds(30));

        cache.putAll(entries(100, "new"));
        assertThat(terrace.statistics().getCachePuts()).isEqualTo(150);
        assertThat(cache.getAll(entries(100, "new").keySet()))
                .as("the near copies hold what Redis holds")
                .isEqualTo(entries(100, "new"));

        clock.advance(Duration.ofSeconds(40));
        Map<String, String> created = new LinkedHashMap<>(entries(100, "new"));
        entries(50, "new").keySet().forEach(created::remove);
        assertThat(cache.getAll(entries(100, "new").keySet()))
                .as("the 50 updates kept their creation's expiry (gone at 60 s), the 50 creations got their own"
                        + " (until 90 s)")
                .isEqualTo(created);

        cache.removeAll(entries(100, "new").keySet());
        assertThat(terrace.statistics().getCacheRemovals())
                .as("only the 50 live entries count as removed")
                .isEqualTo(50);
        assertThat(cache.iterator().hasNext()).isFalse();
    }

    @Test
    void removeAllWithoutWriterCountsLiveEntriesAndAnnouncesExpiredOnesAsExpired() {
        MutableClock clock = new MutableClock(
                System.currentTimeMillis() + Duration.ofHours(1).toMillis());
        List<String> heard = new CopyOnWriteArrayList<>();
        MutableConfiguration<String, String> expiring = new MutableConfiguration<String, String>()
                .setStatisticsEnabled(true)
                .setExpiryPolicyFactory(
                        CreatedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(TimeUnit.SECONDS, 60)));
        Cache<String, String> cache = manager("redis", "terrace.clock", clock).createCache("lapsed", expiring);
        manager("heap+redis", "terrace.clock", clock)
                .createCache(
                        "lapsed",
                        new MutableConfiguration<>(expiring)
                                .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                                        () -> new EventRecorder.WithRemovedAndExpired(heard), null, true, false)));
        Map<String, String> early = entries(10, "early");
        Map<String, String> late = new LinkedHashMap<>();
        for (int i = 10; i < 20; i++) {
            late.put("k" + i, "late" + i);
        }
        cache.putAll(early);
        clock.advance(Duration.ofSeconds(30));
        cache.putAll(late);
        clock.advance(Duration.ofSeconds(40));

        cache.removeAll();

        assertThat(cache.unwrap(TerraceCache.class).statistics().getCacheRemovals())
                .as("only the 10 entries live at the removal count as removed")
                .isEqualTo(10);
        await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(heard)
                        .as("the other process hears the 10 expired entries as EXPIRED, the 10 live ones as REMOVED")
                        .contains("EXPIRED k3 (was early3)", "REMOVED k13 (was late13)")
                        .filteredOn(event -> event.startsWith("EXPIRED") || event.startsWith("REMOVED"))
                        .hasSize(20));
        assertThat(heard)
                .filteredOn(event -> event.startsWith("REMOVED k3 ") || event.startsWith("EXPIRED k13 "))
                .isEmpty();
    }

    @Test
    void removeAllWithoutWriterDropsAnotherProcessesNearCopiesAndItsListenerHearsEachRemoval() {
        List<String> heard = new CopyOnWriteArrayList<>();
        Cache<String, String> writer =
                manager("redis").createCache("swept", new MutableConfiguration<String, String>());
        Cache<String, String> reader = manager("heap+redis")
                .createCache(
                        "swept",
                        new MutableConfiguration<String, String>()
                                .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                                        () -> new EventRecorder.WithRemovedAndExpired(heard), null, true, false)));
        writer.putAll(entries(50, "v"));
        assertThat(reader.getAll(entries(50, "v").keySet())).isEqualTo(entries(50, "v"));

        writer.removeAll();
        await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(reader.getAll(entries(50, "v").keySet()))
                        .as("the reader's near copies of removed entries were dropped")
                        .isEmpty());
        await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(heard)
                        .as("the reader's listener heard each creation and each removal, with its old value")
                        .hasSize(100)
                        .contains("CREATED k7=v7", "REMOVED k7 (was v7)"));
    }

    @Test
    void aBatchPutWhileRedisIsDownIsTakenByTheNearTiersAndUndoneEverywhereWhenItIsBack() {
        Cache<String, String> cache = manager("heap+disk+redis", "terrace.l2.path", disk())
                .createCache("outage", new MutableConfiguration<String, String>());
        cache.putAll(entries(20, "before"));
        server.kill();

        cache.putAll(entries(20, "during"));
        assertThat(cache.getAll(entries(20, "during").keySet()))
                .as("the near tiers took each change of the batch, as they take single puts")
                .isEqualTo(entries(20, "during"));

        server.restart();
        await().atMost(20, TimeUnit.SECONDS)
                .untilAsserted(
                        () -> assertThat(cache.getAll(entries(20, "during").keySet()))
                                .as("changes Redis never saw are dropped everywhere once it is back (an empty server)")
                                .isEmpty());
    }

    private String disk() {
        try {
            return java.nio.file.Files.createTempDirectory("terrace-batch-").toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A writer that records each {@code deleteAll} batch and writes nothing anywhere. */
    private static final class DeleteRecorder implements CacheWriter<String, String> {
        private final List<Collection<?>> deleted;

        DeleteRecorder(List<Collection<?>> deleted) {
            this.deleted = deleted;
        }

        @Override
        public void write(Cache.Entry<? extends String, ? extends String> entry) {}

        @Override
        public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {}

        @Override
        public void delete(Object key) {
            deleted.add(List.of(key));
        }

        @Override
        public void deleteAll(Collection<?> keys) {
            deleted.add(new ArrayList<>(keys));
            keys.clear();
        }
    }
}
