package dev.terrace.jcache.sentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.redis.RedisSentinel;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code terrace.l3.mode=sentinel} against a real Sentinel deployment (a master, a replica, three sentinels):
 * caches on {@code heap+disk+redis} reach the master the sentinels name, and keep their near copies coherent.
 */
class SentinelModeTest {

    private static final URI MANAGER = URI.create("terrace:sentinel-mode");

    private final RedisSentinel sentinel = RedisSentinel.start();

    @AfterEach
    void stop() {
        sentinel.close();
    }

    @Test
    void aCacheThroughSentinelReadsItsWritesAndAnotherManagersNearCopyIsReplaced(
            @TempDir Path first, @TempDir Path second) throws Exception {
        try (CacheManager one = manager(sentinel, first);
                CacheManager two = manager(sentinel, second)) {
            Cache<String, String> mine = one.createCache("shared", new MutableConfiguration<>());
            Cache<String, String> theirs = two.createCache("shared", new MutableConfiguration<>());

            mine.put("k", "v1");
            assertThat(mine.get("k")).isEqualTo("v1");
            assertThat(theirs.get("k"))
                    .as("read through the master from the other manager")
                    .isEqualTo("v1");
            assertThat(RedisSentinel.command(sentinel.masterPort(), "DBSIZE"))
                    .as("the entry, its sequence, epoch and log live on the master the sentinels name")
                    .isNotEqualTo("0");

            mine.put("k", "v2");
            await().atMost(Duration.ofSeconds(10)).until(() -> "v2".equals(theirs.get("k")));
            assertThat(theirs.getAndPut("k", "v3")).isEqualTo("v2");
            await().atMost(Duration.ofSeconds(10)).until(() -> "v3".equals(mine.get("k")));
            assertThat(mine.putIfAbsent("k", "other")).isFalse();
            assertThat(mine.replace("k", "v3", "v4")).isTrue();
            assertThat(mine.get("k")).isEqualTo("v4");
            theirs.remove("k");
            await().atMost(Duration.ofSeconds(10)).until(() -> mine.get("k") == null);
        }
    }

    @Test
    void readsAndDecisionsAreMadeOnTheMasterNeverOnALaggingReplica(@TempDir Path first, @TempDir Path second)
            throws Exception {
        try (CacheManager one = manager(sentinel, first);
                CacheManager two = manager(sentinel, second)) {
            Cache<String, String> mine = one.createCache("lag", new MutableConfiguration<>());
            Cache<String, String> theirs = two.createCache("lag", new MutableConfiguration<>());
            mine.put("warm", "up");
            assertThat(theirs.get("warm")).isEqualTo("up");
            int replica = sentinel.replicaPort();
            // The replica stops applying the replication stream for a while: it answers reads with old data.
            assertThat(RedisSentinel.command(replica, "CLIENT", "PAUSE", "5000", "WRITE"))
                    .isEqualTo("OK");

            mine.put("k", "v1");

            assertThat(theirs.get("k"))
                    .as("a write acknowledged by the master is read by another process (Redis is the authority)")
                    .isEqualTo("v1");
            assertThat(theirs.replace("k", "v1", "v2"))
                    .as("an atomic decision sees the master's entry, not the replica's older one")
                    .isTrue();
            // This process's near copy of v1 goes when the announcement of the other's change arrives (asynchronously).
            await().atMost(Duration.ofSeconds(10)).until(() -> "v2".equals(mine.get("k")));
        }
    }

    /**
     * A manager of {@link #MANAGER} on {@code heap+disk+redis} through the deployment's sentinels; each call
     * gives a distinct manager (its own class loader), as a separate process would have.
     */
    static CacheManager manager(RedisSentinel sentinel, Path disk) {
        Properties settings = settings(sentinel.nodes(), disk.toString());
        ClassLoader loader = new URLClassLoader(new URL[0], SentinelModeTest.class.getClassLoader());
        return Caching.getCachingProvider(TerraceCachingProvider.class.getName())
                .getCacheManager(MANAGER, loader, settings);
    }

    static Properties settings(String nodes, String disk) {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", "heap+disk+redis");
        settings.setProperty("terrace.l2.path", disk);
        settings.setProperty("terrace.l3.mode", "sentinel");
        settings.setProperty("terrace.l3.nodes", nodes);
        settings.setProperty("terrace.l3.master-name", RedisSentinel.MASTER_NAME);
        settings.setProperty("terrace.l3.timeout-ms", "500");
        settings.setProperty("terrace.l3.connect-timeout-ms", "500");
        return settings;
    }
}
