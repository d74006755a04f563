package dev.terrace.jcache;

import static dev.terrace.jcache.redis.CommandCounts.commandStats;
import static dev.terrace.jcache.redis.CommandCounts.delta;
import static dev.terrace.jcache.redis.CommandCounts.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.internal.tier.TieredStore;
import dev.terrace.jcache.redis.Partition;
import dev.terrace.jcache.redis.RedisProcesses;
import dev.terrace.jcache.redis.RedisServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, a batch's server work per entry is the entry's own: one call of {@code redis-write-batch.lua} takes one
 * sequence number, appends one log record (all its keys) and publishes one announcement (all its changes), where it
 * made one of each per entry. Counted on a real redis-server ({@code INFO commandstats}). Every coherence guarantee
 * stays: another process's near copies (heap, disk) are dropped live, a process that was away catches up from the
 * multi-key record and drops exactly the changed keys, the outage undo reads it, and a remote listener still hears
 * one event per entry with its values. Each "process" is a cache manager with its own class loader, Redis
 * connection and disk directory.
 */
class BatchLogTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private final RedisServer server = RedisServer.start();
    private final RedisProcesses processes = new RedisProcesses(server.address(), "batch-log");

    @TempDir
    Path disk;

    @AfterEach
    void stop() {
        processes.close();
        server.close();
    }

    private CacheManager process(String stack, String name, Object... more) {
        if (!stack.contains("disk")) {
            return processes.manager(stack, more);
        }
        Object[] settings = new Object[more.length + 2];
        settings[0] = "terrace.l2.path";
        settings[1] = disk.resolve(name).toString();
        System.arraycopy(more, 0, settings, 2, more.length);
        return processes.manager(stack, settings);
    }

    private static Map<String, String> entries(int count, String prefix) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            entries.put("k" + i, prefix + i);
        }
        return entries;
    }

    @Test
    void putAllAndRemoveAllOf100KeysLogAndAnnounceOncePerScriptCall() throws IOException {
        Cache<String, String> cache = process("redis", "writer").createCache("counted", new MutableConfiguration<>());
        cache.putAll(entries(50, "old"));
        long seqBefore = sequence(server, "counted");

        Map<String, Long> before = commandStats(server);
        cache.putAll(entries(100, "v")); // 50 updates, 50 creations
        Map<String, Long> after = commandStats(server);

        assertThat(delta(before, after, "xadd"))
                .as("one log record for the script call, not one per entry")
                .isEqualTo(1);
        assertThat(delta(before, after, "publish"))
                .as("one announcement for the script call, not one per entry")
                .isEqualTo(1);
        assertThat(sequence(server, "counted"))
                .as("one sequence number per script call (a sequence number counts log records)")
                .isEqualTo(seqBefore + 1);
        assertThat(cache.getAll(entries(100, "v").keySet())).isEqualTo(entries(100, "v"));

        before = commandStats(server);
        cache.removeAll(entries(100, "v").keySet());
        after = commandStats(server);
        assertThat(delta(before, after, "xadd"))
                .as("one log record for 100 removals")
                .isEqualTo(1);
        assertThat(delta(before, after, "publish"))
                .as("one announcement for 100 removals")
                .isEqualTo(1);
        assertThat(sequence(server, "counted")).isEqualTo(seqBefore + 2);

        before = commandStats(server);
        cache.removeAll(entries(100, "v").keySet());
        after = commandStats(server);
        assertThat(delta(before, after, "xadd") + delta(before, after, "publish"))
                .as("a batch that changed nothing logs and announces nothing")
                .isZero();
    }

    @Test
    void aShardedCacheLogsAndAnnouncesOncePerShard() throws IOException {
        Cache<String, String> cache = process("redis", "writer", "terrace.l3.shards", "4")
                .createCache("sharded", new MutableConfiguration<>());
        cache.putAll(Map.of("warm", "w"));

        Map<String, Long> before = commandStats(server);
        cache.putAll(entries(100, "v"));
        Map<String, Long> after = commandStats(server);

        assertThat(delta(before, after, "xadd")).as("one log record per shard").isEqualTo(4);
        assertThat(delta(before, after, "publish"))
                .as("one announcement per shard")
                .isEqualTo(4);
    }

    @Test
    void anotherProcessesNearCopiesOnHeapAndDiskAreDroppedLiveByBatches() {
        Cache<String, String> writer =
                process("heap+disk+redis", "a").createCache("live", new MutableConfiguration<>());
        Cache<String, String> reader =
                process("heap+disk+redis", "b").createCache("live", new MutableConfiguration<>());
        writer.putAll(entries(100, "old"));
        assertThat(reader.getAll(entries(100, "old").keySet())).isEqualTo(entries(100, "old"));

        writer.putAll(entries(100, "new"));
        await().atMost(BOUND)
                .untilAsserted(
                        () -> assertThat(reader.getAll(entries(100, "new").keySet()))
                                .as("B's near copies of the old values were dropped by A's one announcement")
                                .isEqualTo(entries(100, "new")));

        writer.removeAll(entries(60, "new").keySet());
        Map<String, String> left = new LinkedHashMap<>(entries(100, "new"));
        left.keySet().removeAll(entries(60, "new").keySet());
        await().atMost(BOUND)
                .untilAsserted(
                        () -> assertThat(reader.getAll(entries(100, "new").keySet()))
                                .as("B's near copies of the removed entries were dropped")
                                .isEqualTo(left));
    }

    @Test
    void aProcessThatWasAwayDropsExactlyTheKeysABatchChangedFromTheMultiKeyRecord() {
        Map<String, String> kept = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            kept.put("kept" + i, "same" + i);
        }
        try (CacheManager away = process("heap+disk+redis", "away")) {
            Cache<String, String> cache = away.createCache("c", new MutableConfiguration<>());
            cache.putAll(entries(100, "old"));
            cache.putAll(kept);
        }
        Cache<String, String> writer = process("redis", "writer").createCache("c", new MutableConfiguration<>());
        writer.putAll(entries(50, "new")); // k0..k49 updated in one record
        writer.removeAll(java.util.Set.of("k50", "k51", "k52")); // removed in another

        try (CacheManager back = process("heap+disk+redis", "away")) {
            Cache<String, String> cache = back.createCache("c", new MutableConfiguration<>());
            TerraceCache<?, ?> terrace = cache.unwrap(TerraceCache.class);
            TieredStore<?> store = terrace.unwrap(TieredStore.class);
            Map<String, String> expected = new LinkedHashMap<>(entries(100, "old"));
            expected.putAll(entries(50, "new"));
            expected.keySet().removeAll(java.util.Set.of("k50", "k51", "k52"));

            assertThat(cache.getAll(expected.keySet()))
                    .as("no stale value: every key the batches changed was dropped from the near tiers")
                    .isEqualTo(expected);
            assertThat(cache.get("k50"))
                    .as("a key removed by a batch while away")
                    .isNull();
            long hitsBefore = store.hits(1);
            assertThat(cache.getAll(kept.keySet())).isEqualTo(kept);
            assertThat(store.hits(1) - hitsBefore)
                    .as("the keys no batch changed were kept on the near disk tier, not dropped wholesale")
                    .isEqualTo(kept.size());
        }
    }

    @Test
    void aRemoteListenerHearsOneEventPerEntryOfABatchWithItsValuesInOrder() {
        List<String> heard = new CopyOnWriteArrayList<>();
        Cache<String, String> writer =
                process("heap+disk+redis", "a").createCache("heard", new MutableConfiguration<>());
        process("heap+redis", "b")
                .createCache(
                        "heard",
                        new MutableConfiguration<String, String>()
                                .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                                        () -> new EventRecorder.WithRemoved(heard), null, true, false)));
        Map<String, String> first = entries(10, "a");
        writer.putAll(first);
        writer.putAll(entries(20, "b")); // 10 updates, 10 creations
        writer.removeAll(entries(5, "b").keySet());

        await().atMost(BOUND).untilAsserted(() -> assertThat(heard).hasSize(10 + 20 + 5));
        List<String> k3 = heard.stream().filter(e -> e.contains(" k3")).toList();
        assertThat(k3)
                .as("each change of k3 heard once, in order, with its values and old values")
                .containsExactly("CREATED k3=a3", "UPDATED k3=b3 (was a3)", "REMOVED k3 (was b3)");
        assertThat(heard).contains("CREATED k15=b15").doesNotContain("REMOVED k15 (was b15)");
    }

    @Test
    void aRemoteListenerWithoutOldValuesHearsEachEntryOfABatchWithItsNewValueOnly() {
        List<String> heard = new CopyOnWriteArrayList<>();
        Cache<String, String> writer = process("redis", "a").createCache("values", new MutableConfiguration<>());
        process("heap+redis", "b")
                .createCache(
                        "values",
                        new MutableConfiguration<String, String>()
                                .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                                        () -> new EventRecorder.WithRemoved(heard), null, false, false)));
        writer.putAll(entries(4, "a"));
        writer.putAll(entries(8, "b"));
        writer.removeAll(entries(2, "b").keySet());

        await().atMost(BOUND).untilAsserted(() -> assertThat(heard).hasSize(4 + 8 + 2));
        assertThat(heard.stream().filter(e -> e.contains(" k1")).toList())
                .as("no process wants old values: the batch announced the new values only")
                .containsExactly("CREATED k1=a1", "UPDATED k1=b1 (was null)", "REMOVED k1 (was null)");
        assertThat(heard).contains("CREATED k6=b6");
    }

    @Test
    void aBatchPutOfAnEntryLockedByAnEntryProcessorElsewhereWaitsForItAndComesAfterIt() throws Exception {
        Cache<String, String> processing =
                process("redis", "a").createCache("locked", new MutableConfiguration<String, String>());
        Cache<String, String> batching =
                process("redis", "b").createCache("locked", new MutableConfiguration<String, String>());
        processing.put("k3", "a");
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<Object> processor = pool.submit(() -> processing.invoke("k3", (entry, args) -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                entry.setValue("processed");
                return null;
            }));
            await().atMost(BOUND).until(() -> !server.command("KEYS *lock:*").equals("*0"));
            java.util.concurrent.Future<?> batch = pool.submit(() -> batching.putAll(entries(10, "v")));
            await().atMost(BOUND)
                    .untilAsserted(() -> assertThat(batching.get("k9"))
                            .as("the batch's other entries are put while k3 is locked")
                            .isEqualTo("v9"));
            assertThat(batching.get("k3"))
                    .as("the batch found k3 locked and left it")
                    .isEqualTo("a");
            release.countDown();

            processor.get(10, java.util.concurrent.TimeUnit.SECONDS);
            batch.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(batching.get("k3"))
                    .as("the batch put k3 alone once the processor released its lock")
                    .isEqualTo("v3");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void theOutageUndoKeepsAKeyAnotherProcessChangedInABatchMeanwhile() {
        try (Partition partition = Partition.to(server.port())) {
            CacheManager cutOff = processAt(partition.address(), "cut-off");
            Cache<String, String> inCutOff = cutOff.createCache("c", new MutableConfiguration<>());
            Cache<String, String> inRedis =
                    process("redis", "authority").createCache("c", new MutableConfiguration<>());
            inCutOff.put("k", "v0");
            assertThat(inRedis.get("k")).isEqualTo("v0");

            partition.cut();
            inCutOff.put("k", "taken locally while cut off");
            assertThat(cutOff.unwrap(TerraceCacheManager.class).health().isUp()).isFalse();
            Map<String, String> batch = new LinkedHashMap<>(entries(30, "x"));
            batch.put("k", "v2");
            inRedis.putAll(batch); // k's change is logged in a multi-key record

            partition.heal();
            await().atMost(Duration.ofSeconds(15))
                    .until(() ->
                            cutOff.unwrap(TerraceCacheManager.class).health().isUp());
            await().atMost(BOUND)
                    .untilAsserted(() -> assertThat(inCutOff.get("k"))
                            .as("the cut-off process drops its own change and reads what Redis holds")
                            .isEqualTo("v2"));
            assertThat(inRedis.get("k"))
                    .as("the batch's change, acknowledged in Redis, survives the undo (redis-undo.lua read the"
                            + " multi-key record)")
                    .isEqualTo("v2");
        }
    }

    private CacheManager processAt(String address, String name) {
        return processes.manager(
                "heap+disk+redis",
                "terrace.l3.address",
                address,
                "terrace.l3.timeout-ms",
                "500",
                "terrace.l3.connect-timeout-ms",
                "500",
                "terrace.l2.path",
                disk.resolve(name).toString());
    }
}
