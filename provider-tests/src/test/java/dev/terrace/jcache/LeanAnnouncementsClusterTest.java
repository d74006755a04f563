package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.redis.Announcements;
import dev.terrace.jcache.redis.ChannelTap;
import dev.terrace.jcache.redis.RedisCluster;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryUpdatedListener;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, lean announcements on a three-master Redis Cluster: a cache's shards spread over the masters, and the
 * write scripts of each shard read that shard's own interest set (in the shard's slot), which a process writes to
 * every shard when its listeners register and withdraws from every shard when they go.
 */
class LeanAnnouncementsClusterTest {

    private static final String BIG = "x".repeat(10_000);
    private static final int KEY_ONLY = 120;
    private static final int KEYS = 30;

    @Test
    void everyShardOnEveryMasterAnnouncesValuesExactlyWhileAListenerWantsThem() throws IOException {
        AtomicInteger heard = new AtomicInteger();
        MutableCacheEntryListenerConfiguration<String, String> listener =
                new MutableCacheEntryListenerConfiguration<>(() -> new Counter(heard), null, false, false);
        try (RedisCluster cluster = RedisCluster.start(3);
                CacheManager writerSide = manager(cluster);
                CacheManager listenerSide = manager(cluster);
                ChannelTap tap = ChannelTap.open(cluster.masters().get(0), "*invalidations")) {
            Cache<String, String> writer = writerSide.createCache("lean", plain());
            Cache<String, String> listening = listenerSide.createCache("lean", plain());

            listening.registerCacheEntryListener(listener);
            Map<String, String> batch = new HashMap<>();
            for (int i = 0; i < KEYS; i++) {
                writer.put("one-" + i, BIG);
                batch.put("batch-" + i, BIG);
            }
            writer.putAll(batch);
            List<byte[]> withListener = awaitMessages(tap, 2 * KEYS);
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(heard.get())
                            .as("the listener heard every change, whatever shard and master took it")
                            .isEqualTo(2 * KEYS));

            listening.deregisterCacheEntryListener(listener);
            tap.clear();
            for (int i = 0; i < KEYS; i++) {
                writer.put("one-" + i, BIG + 1);
            }
            List<byte[]> withoutListener = awaitMessages(tap, KEYS);

            assertThat(withListener)
                    .as("every shard's writes found the listener's interest in their own slot")
                    .allSatisfy(m -> assertThat(m.length).isGreaterThan(BIG.length()));
            assertThat(withoutListener)
                    .as("the interest was withdrawn from every shard")
                    .allSatisfy(m -> assertThat(m.length).isLessThan(KEY_ONLY));
        }
    }

    /** The changes announced: a batch's announcement holds several (see {@link Announcements}). */
    private static List<byte[]> awaitMessages(ChannelTap tap, int count) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Announcements.changes(tap.messages()).size() >= count);
        List<byte[]> messages = Announcements.changes(tap.messages());
        assertThat(messages).as("one change announced once, no more").hasSize(count);
        return messages;
    }

    private static MutableConfiguration<String, String> plain() {
        return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
    }

    private CacheManager manager(RedisCluster cluster) {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", "heap+redis");
        settings.setProperty("terrace.l3.mode", "cluster");
        settings.setProperty("terrace.l3.nodes", cluster.nodes());
        // Another class loader gives another manager, with its own Redis connection and origin, for the same URI.
        ClassLoader loader = new URLClassLoader(new URL[0], getClass().getClassLoader());
        return Caches.provider().getCacheManager(URI.create("terrace:lean-cluster"), loader, settings);
    }

    /** Counts the events heard. */
    private static final class Counter
            implements CacheEntryCreatedListener<String, String>, CacheEntryUpdatedListener<String, String> {
        private final AtomicInteger heard;

        Counter(AtomicInteger heard) {
            this.heard = heard;
        }

        @Override
        public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            events.forEach(e -> heard.incrementAndGet());
        }

        @Override
        public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            events.forEach(e -> heard.incrementAndGet());
        }
    }
}
