package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrace.jcache.redis.RedisServer;
import java.time.Duration;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code terrace.l3.ttl-seconds} caps how long an entry lives in Redis, whatever the expiry policy says. */
class RedisTtlTest {

    private final RedisServer server = RedisServer.start();
    // Starts at the real time: Redis reclaims entries by its own clock a grace period after they expire.
    private final MutableClock clock = new MutableClock(System.currentTimeMillis());

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anEternalEntryExpiresAfterTheRedisTimeToLive() {
        try (CacheManager manager = Caches.manager(
                "terrace.stack",
                "redis",
                "terrace.l3.address",
                server.address(),
                "terrace.l3.ttl-seconds",
                "60",
                "terrace.clock",
                clock)) {
            Cache<String, String> cache = manager.createCache("ttl", new MutableConfiguration<>());
            cache.put("k", "v");

            clock.advance(Duration.ofSeconds(59));
            assertThat(cache.get("k")).as("within the time to live").isEqualTo("v");

            clock.advance(Duration.ofSeconds(2));
            assertThat(cache.get("k")).as("past the time to live").isNull();
        }
    }
}
