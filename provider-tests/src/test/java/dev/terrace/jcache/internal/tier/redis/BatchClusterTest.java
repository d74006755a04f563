package dev.terrace.jcache.internal.tier.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.redis.RedisCluster;
import dev.terrace.jcache.redis.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, batch operations on a three-master Redis Cluster: a {@code getAll} or {@code putAll} whose keys span
 * the shards of every master reads and writes each shard with one script call (sent to each master in one
 * pipeline), never one {@code GET} per key, and another process's near copies follow the batch.
 */
class BatchClusterTest {

    private static final URI MANAGER = URI.create("terrace:batch-cluster");
    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start(3);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private static Map<String, String> entries(int count, String prefix) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            entries.put("k" + i, prefix + i);
        }
        return entries;
    }

    @Test
    void aBatchSpanningShardsOnEveryMasterIsOneScriptCallPerShardAndNoGetPerKey() throws IOException {
        try (CacheManager manager = manager("redis")) {
            Cache<String, String> cache = manager.createCache("spread", new MutableConfiguration<String, String>());
            Map<String, String> entries = entries(300, "v");

            List<Map<String, Long>> beforePut = stats();
            cache.putAll(entries);
            List<Map<String, Long>> afterPut = stats();
            List<Map<String, Long>> beforeGet = stats();
            Map<String, String> read = cache.getAll(entries.keySet());
            List<Map<String, Long>> afterGet = stats();

            assertThat(read).isEqualTo(entries);
            long shardReads = 0;
            for (int m = 0; m < beforeGet.size(); m++) {
                long mgets = delta(beforeGet.get(m), afterGet.get(m), "mget");
                assertThat(mgets)
                        .as("master %d holds shards of the batch and reads them in it", m)
                        .isPositive();
                assertThat(delta(beforeGet.get(m), afterGet.get(m), "get"))
                        .as("no GET per key on master %d", m)
                        .isZero();
                assertThat(delta(beforePut.get(m), afterPut.get(m), "xadd"))
                        .as("master %d logs the changes of its shards", m)
                        .isPositive();
                shardReads += mgets;
            }
            assertThat(shardReads)
                    .as(
                            "one read per shard (%d shards), not per key",
                            dev.terrace.jcache.config.RedisSettings.DEFAULT_CLUSTER_SHARDS)
                    .isLessThanOrEqualTo(dev.terrace.jcache.config.RedisSettings.DEFAULT_CLUSTER_SHARDS);
            long logged = 0;
            for (int m = 0; m < beforePut.size(); m++) {
                logged += delta(beforePut.get(m), afterPut.get(m), "xadd");
            }
            assertThat(logged)
                    .as("one log record per shard's script call (300 keys reach every shard), not per change")
                    .isEqualTo(dev.terrace.jcache.config.RedisSettings.DEFAULT_CLUSTER_SHARDS);
            manager.destroyCache("spread");
        }
    }

    @Test
    void putAllAndRemoveAllSpanningShardsReadNothingBeforeWriting() throws IOException {
        try (CacheManager manager = manager("redis")) {
            Cache<String, String> cache = manager.createCache(
                    "decided", new MutableConfiguration<String, String>().setStatisticsEnabled(true));
            cache.putAll(entries(150, "old"));

            List<Map<String, Long>> beforePut = stats();
            cache.putAll(entries(300, "v"));
            List<Map<String, Long>> afterPut = stats();
            assertThat(cache.getAll(entries(300, "v").keySet())).isEqualTo(entries(300, "v"));
            List<Map<String, Long>> beforeRemove = stats();
            cache.removeAll();
            List<Map<String, Long>> afterRemove = stats();

            long logged = 0;
            long removalsLogged = 0;
            for (int m = 0; m < beforePut.size(); m++) {
                // Each write script reads with two MGETs of its own (its entries, its control keys).
                assertThat(delta(beforePut.get(m), afterPut.get(m), "mget"))
                        .as("no read before the puts on master %d, only the scripts' own", m)
                        .isEqualTo(2 * delta(beforePut.get(m), afterPut.get(m), "xadd"));
                assertThat(delta(beforeRemove.get(m), afterRemove.get(m), "mget"))
                        .as("no read before the removals on master %d, only the scripts' own", m)
                        .isEqualTo(2 * delta(beforeRemove.get(m), afterRemove.get(m), "xadd"));
                logged += delta(beforePut.get(m), afterPut.get(m), "xadd");
                removalsLogged += delta(beforeRemove.get(m), afterRemove.get(m), "xadd");
            }
            assertThat(logged)
                    .as("one log record per shard's script call of puts, in its shard")
                    .isEqualTo(dev.terrace.jcache.config.RedisSettings.DEFAULT_CLUSTER_SHARDS);
            assertThat(removalsLogged)
                    .as("one log record per shard's script call of removals, in its shard")
                    .isEqualTo(dev.terrace.jcache.config.RedisSettings.DEFAULT_CLUSTER_SHARDS);
            assertThat(cache.iterator().hasNext()).isFalse();
            dev.terrace.jcache.TerraceCache<?, ?> terrace = cache.unwrap(dev.terrace.jcache.TerraceCache.class);
            assertThat(terrace.statistics().getCachePuts()).isEqualTo(450);
            assertThat(terrace.statistics().getCacheRemovals()).isEqualTo(300);
            manager.destroyCache("decided");
        }
    }

    @Test
    void anotherProcessSeesBatchWritesAcrossShards() {
        try (CacheManager first = manager("heap+redis");
                CacheManager second = manager("heap+redis")) {
            Cache<String, String> writer = first.createCache("follow", new MutableConfiguration<String, String>());
            Cache<String, String> reader = second.createCache("follow", new MutableConfiguration<String, String>());
            writer.putAll(entries(200, "old"));
            assertThat(reader.getAll(entries(200, "old").keySet())).isEqualTo(entries(200, "old"));

            writer.putAll(entries(200, "new"));
            await().atMost(10, TimeUnit.SECONDS)
                    .untilAsserted(
                            () -> assertThat(reader.getAll(entries(200, "new").keySet()))
                                    .as("the reader's near copies of every shard follow the batch")
                                    .isEqualTo(entries(200, "new")));

            writer.removeAll();
            await().atMost(10, TimeUnit.SECONDS)
                    .untilAsserted(
                            () -> assertThat(reader.getAll(entries(200, "new").keySet()))
                                    .as("the reader's near copies of removed entries were dropped")
                                    .isEmpty());
            first.destroyCache("follow");
        }
    }

    private static List<Map<String, Long>> stats() throws IOException {
        List<Map<String, Long>> all = new ArrayList<>();
        for (RedisServer master : cluster.masters()) {
            Map<String, Long> calls = new HashMap<>();
            Matcher matcher =
                    Pattern.compile("cmdstat_([a-z_|]+):calls=(\\d+)").matcher(master.command("INFO commandstats"));
            while (matcher.find()) {
                calls.put(matcher.group(1), Long.parseLong(matcher.group(2)));
            }
            all.add(calls);
        }
        return all;
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String command) {
        return after.getOrDefault(command, 0L) - before.getOrDefault(command, 0L);
    }

    private CacheManager manager(String stack) {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", stack);
        settings.setProperty("terrace.l3.mode", "cluster");
        settings.setProperty("terrace.l3.nodes", cluster.nodes());
        ClassLoader loader = new URLClassLoader(new URL[0], getClass().getClassLoader());
        return Caching.getCachingProvider(TerraceCachingProvider.class.getName())
                .getCacheManager(MANAGER, loader, settings);
    }
}
