package dev.terrace.jcache.internal.tier.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

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
import java.util.function.UnaryOperator;
import javax.cache.CacheException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: the key's lock that a locked change takes with its read ({@code redis-lock.lua}) and releases with its
 * write ({@code redis-write.lua}, mode 'u') keeps the guarantees of the Redisson lock it replaced on that path: a
 * change that runs longer than the lease keeps its lock (renewed as Redisson's watchdog renews one), a lock lost
 * anyway cannot let the change overwrite another process's (the version fence), and a Redis killed between the lock
 * and the write fails the change with a {@code CacheException} and leaves no lock behind for longer than its lease.
 * Two connections to one server stand for two processes.
 */
class KeyLockGuaranteesTest {

    private static final Duration LEASE = Duration.ofMillis(900);

    private final Codec codec = new Codec(new JavaSerializer(getClass().getClassLoader()), SerialFilter.builtInOnly());
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void aChangeThatRunsLongerThanTheLeaseKeepsItsLock() throws Exception {
        try (RedisServer server = RedisServer.start();
                RedisConnection holder = open(server);
                RedisConnection waiter = open(server)) {
            RedisTier<String> holding = new RedisTier<String>(holder, "m", "lease", codec).withLockLease(LEASE);
            RedisTier<String> waiting =
                    new RedisTier<String>(waiter, "m", "lease", codec).withLockWait(Duration.ofMillis(100));
            CountDownLatch release = new CountDownLatch(1);
            Future<TierEntry> held = threads.submit(() -> holding.compute("k", blockingUntil(release, "held")));
            await().atMost(10, TimeUnit.SECONDS)
                    .until(() -> !server.command("KEYS *lock:e:*").equals("*0"));

            try {
                // Three leases: without renewal the lock would have expired twice over.
                await().during(LEASE.multipliedBy(3))
                        .atMost(LEASE.multipliedBy(6))
                        .until(() -> !server.command("KEYS *lock:e:*").equals("*0"));
                assertThat(catchThrowable(() -> waiting.compute("k", current -> new TierEntry("other", 0))))
                        .as("another process still finds the key locked")
                        .isInstanceOf(CacheException.class)
                        .hasMessageContaining("stayed locked");
            } finally {
                release.countDown();
            }

            assertThat(held.get(30, TimeUnit.SECONDS).value())
                    .as("the long change was applied: it held its lock throughout")
                    .isEqualTo("held");
            assertThat(waiting.get("k").value()).isEqualTo("held");
            assertThat(server.command("KEYS *lock:e:*"))
                    .as("released by the write")
                    .isEqualTo("*0");
        }
    }

    @Test
    void aLockDeletedByHandLetsTheVersionCheckRefuseTheOlderChange() throws Exception {
        try (RedisServer server = RedisServer.start();
                RedisConnection holder = open(server);
                RedisConnection other = open(server)) {
            RedisTier<String> holding = new RedisTier<>(holder, "m", "fence", codec);
            RedisTier<String> elsewhere = new RedisTier<>(other, "m", "fence", codec);
            holding.compute("k", current -> new TierEntry("v0", TierEntry.ETERNAL));
            CountDownLatch release = new CountDownLatch(1);
            Future<Throwable> held =
                    threads.submit(() -> catchThrowable(() -> holding.compute("k", blockingUntil(release, "stale"))));
            await().atMost(10, TimeUnit.SECONDS)
                    .until(() -> !server.command("KEYS *lock:e:*").equals("*0"));
            String lock = server.command("EVAL \"return redis.call('KEYS', '*lock:e:*')[1]\" 0");

            assertThat(server.command("DEL " + lock)).isEqualTo(":1");
            elsewhere.compute("k", current -> new TierEntry("newer", TierEntry.ETERNAL));
            release.countDown();

            assertThat(held.get(30, TimeUnit.SECONDS))
                    .as("the change decided on the older entry is refused")
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining("changed by another process");
            assertThat(elsewhere.get("k").value()).isEqualTo("newer");
            assertThat(server.command("KEYS *lock:e:*"))
                    .as("no lock left behind")
                    .isEqualTo("*0");
        }
    }

    @Test
    void redisKilledBetweenTheLockAndTheWriteFailsTheChangeAndTheLockDoesNotOutliveItsLease() throws Exception {
        // Kept on disk with every write, so the lock survives the kill as Redis would keep it with persistence.
        try (RedisServer server = RedisServer.start("--appendonly", "yes", "--appendfsync", "always");
                RedisConnection holder = open(server)) {
            RedisTier<String> holding = new RedisTier<String>(holder, "m", "killed", codec).withLockLease(LEASE);
            holding.compute("k", current -> new TierEntry("v0", TierEntry.ETERNAL));

            Throwable failure = catchThrowable(() -> holding.compute("k", current -> {
                server.kill();
                return new TierEntry("lost", TierEntry.ETERNAL);
            }));

            assertThat(failure)
                    .as("the change fails: Redis went away between the lock and the write")
                    .isInstanceOf(CacheException.class);
            // The holder lives on and sees Redis come back: it must not keep (renew) the lock of a change that failed.
            server.restart();
            try (RedisConnection other = open(server)) {
                RedisTier<String> elsewhere =
                        new RedisTier<String>(other, "m", "killed", codec).withLockWait(Duration.ofSeconds(5));
                await().atMost(10, TimeUnit.SECONDS)
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> server.command("KEYS *lock:e:*").equals("*0"));
                elsewhere.compute("k", current -> new TierEntry("after", TierEntry.ETERNAL));
                assertThat(elsewhere.get("k").value())
                        .as("the change made while Redis was killed never landed; a later one does")
                        .isEqualTo("after");
            }
        }
    }

    /** A change that waits for {@code release}, then writes {@code value}. */
    private static UnaryOperator<TierEntry> blockingUntil(CountDownLatch release, String value) {
        return current -> {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new TierEntry(value, TierEntry.ETERNAL);
        };
    }

    private static RedisConnection open(RedisServer server) {
        return RedisConnection.open(RedisSettings.from(Map.of(
                "terrace.l3.address", server.address(),
                "terrace.l3.timeout-ms", "1000",
                "terrace.l3.connect-timeout-ms", "500")::get));
    }
}
