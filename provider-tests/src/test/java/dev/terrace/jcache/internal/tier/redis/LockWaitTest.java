package dev.terrace.jcache.internal.tier.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.terrace.jcache.config.RedisSettings;
import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.copy.JavaSerializer;
import dev.terrace.jcache.internal.copy.SerialFilter;
import dev.terrace.jcache.internal.tier.TierEntry;
import dev.terrace.jcache.redis.RedisServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 5: a locked change waits a bounded time for another process's lock on the same key, then
 * fails with a {@code CacheException} naming the entry, instead of blocking its thread (and the key's stripe)
 * for as long as the other process holds it.
 */
class LockWaitTest {

    private final Codec codec = new Codec(new JavaSerializer(getClass().getClassLoader()), SerialFilter.builtInOnly());

    @Test
    void aLockHeldElsewhereFailsTheChangeAfterTheWaitInsteadOfBlocking() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (RedisServer server = RedisServer.start();
                RedisConnection holder = open(server);
                RedisConnection waiter = open(server)) {
            RedisTier<String> holding = new RedisTier<>(holder, "m", "locks", codec);
            RedisTier<String> waiting =
                    new RedisTier<String>(waiter, "m", "locks", codec).withLockWait(Duration.ofMillis(300));
            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<?> held = threads.submit(() -> holding.compute("k", current -> {
                locked.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new TierEntry("held", TierEntry.ETERNAL);
            }));
            assertThat(locked.await(30, TimeUnit.SECONDS)).isTrue();

            Future<Throwable> attempt = threads.submit(() ->
                    catchThrowable(() -> waiting.compute("k", current -> new TierEntry("waited", TierEntry.ETERNAL))));
            Throwable failure;
            try {
                failure = attempt.get(30, TimeUnit.SECONDS);
            } finally {
                release.countDown();
            }

            assertThat(failure)
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining("stayed locked")
                    .hasMessageContaining("locks}:e:");
            held.get(30, TimeUnit.SECONDS);
            assertThat(waiting.get("k").value()).isEqualTo("held");
        } finally {
            threads.shutdownNow();
        }
    }

    private static RedisConnection open(RedisServer server) {
        return RedisConnection.open(RedisSettings.from(Map.of("terrace.l3.address", server.address())::get));
    }
}
