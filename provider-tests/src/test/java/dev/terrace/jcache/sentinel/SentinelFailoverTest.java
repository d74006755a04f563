package dev.terrace.jcache.sentinel;

import static dev.terrace.jcache.sentinel.SentinelModeTest.manager;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.redis.RedisSentinel;
import java.nio.file.Path;
import java.time.Duration;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sentinel promotes the replica: caches on {@code heap+disk+redis} keep answering from their near tiers,
 * write again on the new master without a restart, and never keep a near copy of a write that the
 * asynchronous replica lost.
 */
class SentinelFailoverTest {

    private final RedisSentinel sentinel = RedisSentinel.start();

    @AfterEach
    void stop() {
        sentinel.close();
    }

    @Test
    void anAcknowledgedWriteTheReplicaLostIsNotServedFromNearCopiesAfterThePromotion(
            @TempDir Path first, @TempDir Path second, @TempDir Path third) throws Exception {
        try (CacheManager one = manager(sentinel, first);
                CacheManager two = manager(sentinel, second)) {
            Cache<String, String> mine = one.createCache("lost", new MutableConfiguration<>());
            Cache<String, String> theirs = two.createCache("lost", new MutableConfiguration<>());
            mine.put("k", "v1");
            mine.put("other", "o1");
            assertThat(theirs.get("k")).isEqualTo("v1");
            assertThat(theirs.get("other")).isEqualTo("o1");
            // What the master acknowledges from now on never reaches the replica, which Sentinel then promotes.
            sentinel.detachReplicas();
            mine.put("k", "v2");
            await().atMost(Duration.ofSeconds(10)).until(() -> "v2".equals(theirs.get("k")));

            int old = sentinel.killMaster();
            assertThat(mine.get("other"))
                    .as("a near copy answers while the master is gone")
                    .isEqualTo("o1");
            sentinel.awaitPromotion(old, Duration.ofSeconds(30));

            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptionsInstanceOf(CacheException.class)
                    .untilAsserted(() -> {
                        mine.put("after", "a");
                        assertThat(theirs.get("after")).isEqualTo("a");
                    });
            try (CacheManager fresh = manager(sentinel, third)) {
                Cache<String, String> authority = fresh.createCache("lost", new MutableConfiguration<>());
                assertThat(authority.get("k"))
                        .as("the promoted replica never applied the second write: it was lost")
                        .isEqualTo("v1");
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    assertThat(mine.get("k"))
                            .as("the writer's near copy of the lost write is dropped, never served as current")
                            .isEqualTo("v1");
                    assertThat(theirs.get("k"))
                            .as("another process's near copy of the lost write is dropped too")
                            .isEqualTo("v1");
                });
            }
        }
    }
}
