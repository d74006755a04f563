package dev.terrace.jcache.internal.tier.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.TerraceCache;
import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.config.RedisSettings;
import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.copy.JavaSerializer;
import dev.terrace.jcache.internal.copy.SerialFilter;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.internal.tier.TieredStore;
import dev.terrace.jcache.redis.RedisCluster;
import dev.terrace.jcache.redis.RedisServer;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, "a cache spread over a cluster": on a three-master Redis Cluster one cache's key space is split into
 * shards (hash tags) whose slots spread over the masters, each shard with its own sequence, log and epoch, and
 * processes stay coherent across shards, live and after a restart.
 */
class ShardedClusterTest {

    private static final URI MANAGER = URI.create("terrace:sharded");
    private static RedisCluster cluster;

    @TempDir
    Path disk;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start(3);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private static RedisConnection connection() {
        return RedisConnection.open(
                RedisSettings.from(Map.of("terrace.l3.mode", "cluster", "terrace.l3.nodes", cluster.nodes())::get));
    }

    private static Codec codec() {
        return new Codec(new JavaSerializer(ShardedClusterTest.class.getClassLoader()), SerialFilter.builtInOnly());
    }

    @Test
    void oneCacheOf30000EntriesHoldsAThirdOfItsKeysOnEachMaster() throws Exception {
        try (RedisConnection connection = connection()) {
            assertThat(connection.settings().shards())
                    .as("the default shard count on a Cluster")
                    .isEqualTo(RedisSettings.DEFAULT_CLUSTER_SHARDS);
            RedisTier<String> tier = new RedisTier<>(connection, "m", "spread", codec());
            List<Long> before = dbSizes();
            int entries = 30_000;
            new ForkJoinPool(8)
                    .submit(() -> IntStream.range(0, entries)
                            .parallel()
                            .forEach(i -> tier.put("key-" + i, new TierEntry(i, TierEntry.ETERNAL))))
                    .get();

            List<Long> after = dbSizes();
            long total = 0;
            List<Long> added = new ArrayList<>();
            for (int i = 0; i < after.size(); i++) {
                added.add(after.get(i) - before.get(i));
                total += added.get(i);
            }
            // Besides the entries, each shard has a sequence, an epoch and a log, and the cache its shard count.
            assertThat(total).isBetween((long) entries, entries + 4L * RedisSettings.DEFAULT_CLUSTER_SHARDS);
            for (int i = 0; i < added.size(); i++) {
                double share = 100.0 * added.get(i) / total;
                System.out.printf("master %d holds %d keys of the cache (%.2f %%)%n", i, added.get(i), share);
                assertThat(share)
                        .as("master %d's share of the cache's keys (%s of %s), expected 33 %% ± 5 %%", i, added, total)
                        .isBetween(100.0 / 3 - 5, 100.0 / 3 + 5);
            }
            assertThat(tier.size()).isEqualTo(entries);
            Set<String> keys = new HashSet<>();
            for (Iterator<String> it = tier.keys(); it.hasNext(); ) {
                keys.add(it.next());
            }
            assertThat(keys).hasSize(entries).contains("key-0", "key-29999");

            tier.clear();
            assertThat(tier.size()).as("clear empties every shard").isZero();
            tier.destroy();
        }
    }

    @Test
    void twoManagersStayCoherentAcrossShards() {
        try (CacheManager first = manager("heap+redis", null);
                CacheManager second = manager("heap+redis", null)) {
            Cache<String, String> mine = first.createCache("live", new MutableConfiguration<>());
            Cache<String, String> theirs = second.createCache("live", new MutableConfiguration<>());
            for (int i = 0; i < 200; i++) {
                mine.put("k" + i, "a");
            }
            for (int i = 0; i < 200; i++) {
                assertThat(theirs.get("k" + i)).isEqualTo("a");
            }
            // The second manager now holds heap copies of keys in every shard; changes here must replace them.
            for (int i = 0; i < 200; i++) {
                mine.put("k" + i, "b");
            }
            mine.remove("k0");

            await().atMost(20, TimeUnit.SECONDS).untilAsserted(() -> {
                assertThat(theirs.get("k0")).isNull();
                for (int i = 1; i < 200; i++) {
                    assertThat(theirs.get("k" + i)).as("k" + i).isEqualTo("b");
                }
            });

            theirs.clear();
            await().atMost(20, TimeUnit.SECONDS).untilAsserted(() -> {
                for (int i = 1; i < 200; i++) {
                    assertThat(mine.get("k" + i))
                            .as("k%d after a clear in the other manager", i)
                            .isNull();
                }
            });
        }
    }

    @Test
    void aRestartedManagerReplaysEachShardsLogAndKeepsItsOtherDiskCopies() {
        int count = 120;
        try (CacheManager near = manager("heap+disk+redis", disk)) {
            Cache<String, String> cache = near.createCache("restart", new MutableConfiguration<>());
            for (int i = 0; i < count; i++) {
                cache.put("k" + i, "old");
            }
        }
        Set<String> changed = new HashSet<>();
        try (CacheManager other = manager("redis", null)) {
            Cache<String, String> cache = other.createCache("restart", new MutableConfiguration<>());
            for (int i = 0; i < count; i += 6) {
                cache.put("k" + i, "new");
                changed.add("k" + i);
            }
        }

        try (CacheManager restarted = manager("heap+disk+redis", disk)) {
            Cache<String, String> cache = restarted.createCache("restart", new MutableConfiguration<>());
            for (int i = 0; i < count; i++) {
                assertThat(cache.get("k" + i))
                        .as("k%d after the restart", i)
                        .isEqualTo(changed.contains("k" + i) ? "new" : "old");
            }
            TerraceCache<?, ?> terrace = cache.unwrap(TerraceCache.class);
            assertThat(terrace.unwrap(TieredStore.class).hits(1))
                    .as("the unchanged entries, in every shard, were served from the near disk tier")
                    .isEqualTo(count - changed.size());
        }
    }

    @Test
    void aCacheWrittenWithAnotherShardCountIsRefused() {
        try (CacheManager first = manager("redis", null)) {
            first.createCache("counted", new MutableConfiguration<String, String>())
                    .put("k", "v");
        }
        Properties eight = new Properties();
        eight.setProperty("terrace.l3.shards", "8");
        try (CacheManager other = manager("redis", null, eight)) {
            assertThatThrownBy(() -> other.createCache("counted", new MutableConfiguration<String, String>()))
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining("laid out in " + RedisSettings.DEFAULT_CLUSTER_SHARDS + " shard(s)")
                    .hasMessageContaining("terrace.l3.shards");
        }
    }

    @Test
    void aShardThatLostItsSequenceStartsANewEpochWhileTheOtherShardsGoOn() throws Exception {
        Codec codec = codec();
        try (RedisConnection writing = connection();
                RedisConnection reading = connection()) {
            RedisTier<String> writer = new RedisTier<>(writing, "m", "lost", codec);
            RedisTier<String> reader = new RedisTier<>(reading, "m", "lost", codec);
            List<String> changed = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicInteger dropped = new java.util.concurrent.atomic.AtomicInteger();
            reader.subscribe(new RedisTier.Invalidations<>() {
                @Override
                public void changed(String key) {
                    changed.add(key);
                }

                @Override
                public void unknown() {
                    dropped.incrementAndGet();
                }
            });
            ShardLayout layout = new ShardLayout("terrace", "m", "lost", RedisSettings.DEFAULT_CLUSTER_SHARDS);
            int lost = layout.shardOf(codec.encodeKey("k"));
            String other = IntStream.range(0, 100)
                    .mapToObj(i -> "other" + i)
                    .filter(key -> layout.shardOf(codec.encodeKey(key)) != lost)
                    .findFirst()
                    .orElseThrow();
            writer.put("k", new TierEntry("v1", TierEntry.ETERNAL));
            writer.put(other, new TierEntry("v1", TierEntry.ETERNAL));
            await().atMost(10, TimeUnit.SECONDS).until(() -> changed.containsAll(List.of("k", other)));
            int droppedBefore = dropped.get();

            for (RedisServer master : cluster.masters()) {
                // Only the master that holds the shard's slot deletes it; the others answer MOVED.
                master.command("DEL " + layout.prefix(lost) + "seq");
            }
            writer.put("k", new TierEntry("v2", TierEntry.ETERNAL));

            assertThat(writer.get("k").value()).isEqualTo("v2");
            await().atMost(10, TimeUnit.SECONDS)
                    .untilAsserted(() -> assertThat(dropped.get())
                            .as("the shard's new epoch makes the other process drop its near copies")
                            .isGreaterThan(droppedBefore));
            changed.clear();
            writer.put(other, new TierEntry("v2", TierEntry.ETERNAL));
            await().atMost(10, TimeUnit.SECONDS)
                    .untilAsserted(() -> assertThat(changed)
                            .as("a change in another shard is still delivered key by key")
                            .contains(other));
            reader.close();
            writer.destroy();
        }
    }

    private static List<Long> dbSizes() throws Exception {
        List<Long> sizes = new ArrayList<>();
        for (RedisServer master : cluster.masters()) {
            sizes.add(Long.parseLong(master.command("DBSIZE").substring(1)));
        }
        return sizes;
    }

    private CacheManager manager(String stack, Path directory) {
        return manager(stack, directory, new Properties());
    }

    private CacheManager manager(String stack, Path directory, Properties settings) {
        settings.setProperty("terrace.stack", stack);
        settings.setProperty("terrace.l3.mode", "cluster");
        settings.setProperty("terrace.l3.nodes", cluster.nodes());
        if (directory != null) {
            settings.setProperty("terrace.l2.path", directory.toString());
        }
        ClassLoader loader = new URLClassLoader(new URL[0], getClass().getClassLoader());
        return Caching.getCachingProvider(TerraceCachingProvider.class.getName())
                .getCacheManager(MANAGER, loader, settings);
    }
}
