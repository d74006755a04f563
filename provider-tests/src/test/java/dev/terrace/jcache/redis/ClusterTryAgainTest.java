package dev.terrace.jcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.internal.tier.TierUnavailableException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While a shard's slot moves and its keys are split between two masters, Redis refuses a script over them with
 * {@code TRYAGAIN}: an answer, not an outage. The change fails with a {@code CacheException} that says so and is
 * applied nowhere (it is not taken by the near tiers to be undone later, as during an outage), the cache is not
 * marked down, and once the slot has moved the same change succeeds.
 */
class ClusterTryAgainTest {

    @TempDir
    Path work;

    @Test
    void aScriptRefusedWithTryAgainDuringASlotMigrationFailsWithACacheExceptionAndIsNoOutage() throws Exception {
        try (RedisCluster cluster = RedisCluster.start(3);
                CacheManager near = manager(cluster, "heap+disk+redis", "near");
                CacheManager plain = manager(cluster, "redis", "plain")) {
            Cache<String, Integer> cache = near.createCache("moving", new MutableConfiguration<>());
            Cache<String, Integer> authority = plain.createCache("moving", new MutableConfiguration<>());
            cache.put("k", 1);
            String entry = entryKey(cluster);
            int slot = cluster.slotOf(entry);
            int to = cluster.masters().stream()
                    .mapToInt(RedisServer::port)
                    .filter(port -> {
                        try {
                            return port != cluster.ownerOf(slot);
                        } catch (java.io.IOException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .findFirst()
                    .orElseThrow();
            int from = cluster.beginMigration(slot, to);
            // The entry is on the target now; the shard's sequence, epoch and log are still on the source.
            cluster.migrateKeys(from, to, List.of(entry));

            assertThatThrownBy(() -> cache.put("k", 2))
                    .as("a change refused with TRYAGAIN fails, and is not taken by the near tiers as in an outage")
                    .isInstanceOf(CacheException.class)
                    .isNotInstanceOf(TierUnavailableException.class)
                    .hasMessageContaining("TRYAGAIN");

            cluster.finishMigration(slot, from, to);
            cache.put("k", 3);
            assertThat(authority.get("k")).isEqualTo(3);
            assertThat(cache.get("k")).isEqualTo(3);
        }
    }

    /** The name of the only entry in the cluster. */
    private static String entryKey(RedisCluster cluster) throws java.io.IOException {
        List<String> entries = new ArrayList<>();
        for (RedisServer master : cluster.masters()) {
            for (Object key : (List<?>) RedisCluster.command(master.port(), "KEYS", "terrace:*}:e:*")) {
                entries.add((String) key);
            }
        }
        assertThat(entries).as("entries in the cluster").hasSize(1);
        return entries.get(0);
    }

    private CacheManager manager(RedisCluster cluster, String stack, String name) {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", stack);
        settings.setProperty("terrace.l3.mode", "cluster");
        settings.setProperty("terrace.l3.nodes", cluster.nodes());
        settings.setProperty("terrace.l2.path", work.resolve(name).toString());
        ClassLoader loader = new URLClassLoader(new URL[0], getClass().getClassLoader());
        return Caching.getCachingProvider(TerraceCachingProvider.class.getName())
                .getCacheManager(URI.create("terrace:try-again"), loader, settings);
    }
}
