package dev.terrace.jcache.internal.tier.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.MutableClock;
import dev.terrace.jcache.config.RedisSettings;
import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.copy.JavaSerializer;
import dev.terrace.jcache.internal.copy.SerialFilter;
import dev.terrace.jcache.internal.tier.Tier;
import dev.terrace.jcache.internal.tier.TierConformanceTest;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.redis.RedisServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RedisTierTest extends TierConformanceTest {

    private static final AtomicInteger CACHES = new AtomicInteger();
    private static RedisServer server;
    private static RedisConnection connection;
    private static RedisConnection otherProcess;

    private final Codec codec = new Codec(new JavaSerializer(getClass().getClassLoader()), SerialFilter.builtInOnly());
    private final String cacheName = "cache-" + CACHES.incrementAndGet();

    @BeforeAll
    static void startRedis() {
        server = RedisServer.start();
        connection = RedisConnection.open(settings());
        otherProcess = RedisConnection.open(settings());
    }

    @AfterAll
    static void stopRedis() {
        otherProcess.close();
        connection.close();
        server.close();
    }

    private static RedisSettings settings() {
        return RedisSettings.from(Map.of("terrace.l3.address", server.address())::get);
    }

    @Override
    protected Tier<String> newTier(MutableClock clock) {
        return new RedisTier<>(connection, "test", cacheName, codec);
    }

    @AfterEach
    void dropData() {
        tier.clear();
    }

    @Test
    void anotherProcessSeesTheSameEntries() {
        tier.put("shared", new TierEntry("v", LATER));

        RedisTier<String> other = new RedisTier<>(otherProcess, "test", cacheName, codec);

        assertThat(other.get("shared").value()).isEqualTo("v");
        assertThat(other.get("shared").expiresAt()).isEqualTo(LATER);
    }

    @Test
    void aChangeInOneProcessInvalidatesTheOthers() {
        RedisTier<String> other = new RedisTier<>(otherProcess, "test", cacheName, codec);
        List<String> changed = new CopyOnWriteArrayList<>();
        AtomicInteger unknown = new AtomicInteger();
        other.subscribe(new RedisTier.Invalidations<>() {
            @Override
            public void changed(String key) {
                changed.add(key);
            }

            @Override
            public void unknown() {
                unknown.incrementAndGet();
            }
        });
        RedisTier<String> own = (RedisTier<String>) tier;
        List<String> ownChanges = new CopyOnWriteArrayList<>();
        own.subscribe(new RedisTier.Invalidations<>() {
            @Override
            public void changed(String key) {
                ownChanges.add(key);
            }

            @Override
            public void unknown() {}
        });

        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            tier.put("k", new TierEntry("v", LATER));
            assertThat(changed).contains("k");
        });
        tier.remove("k");
        tier.clear();

        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(changed.stream().filter("k"::equals).count()).isGreaterThanOrEqualTo(2);
            assertThat(unknown.get())
                    .as("a clear tells others that anything may have changed")
                    .isPositive();
        });
        assertThat(ownChanges).as("a process ignores its own invalidations").isEmpty();
        other.close();
    }

    @Test
    void redisDropsAnExpiredEntryAfterTheGracePeriod() {
        tier.put("short", new TierEntry("v", System.currentTimeMillis() + 100));
        assertThat(tier.get("short"))
                .as("kept through its grace period, for the cache to observe")
                .isNotNull();

        await().atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() ->
                        assertThat(tier.size()).as("entries left in Redis").isZero());
        assertThat(tier.get("short")).isNull();
    }
}
