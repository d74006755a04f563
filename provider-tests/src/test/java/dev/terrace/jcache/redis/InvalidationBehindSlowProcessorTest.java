package dev.terrace.jcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.internal.tier.TieredStore;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Regressions for issue 13 item 5. The coherence thread queued behind a key's stripe, so a slow entry processor
 * on one key left another process's change of an <em>unrelated</em> key unapplied here for as long as the
 * processor ran (7.2 s in the report): invalidations must reach the near tiers whatever user code or lock wait
 * runs on another key. And a change of a key held its stripe across the entry processor (user code) and across
 * the wait for the key's lock in Redis (a network wait), so every other key of that stripe waited too, in the
 * process that ran the slow work — a read that missed the near tier, a put: only the key itself may wait.
 *
 * <p>Two managers of the same URI under different class loaders stand for two processes: each has its own
 * Redis connection and coherence thread. {@code "Aa"} and {@code "BB"} have the same {@code hashCode}, so they
 * share a stripe however the store stripes its keys.
 */
class InvalidationBehindSlowProcessorTest {

    private static final String BUSY = "Aa";
    private static final String UNRELATED = "BB";
    /** Announcements arrive in milliseconds, the log is polled every second: 2 s is ample on a busy machine. */
    private static final Duration BOUND = Duration.ofSeconds(2);
    /** Far below the processor's 30 s: a call that waited for it would take that long. */
    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    private final RedisServer server = RedisServer.start();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        release.countDown();
        threads.shutdownNow();
        server.close();
    }

    @Test
    void aSlowEntryProcessorDoesNotDelayTheInvalidationOfAnotherKeyInItsStripe() throws Exception {
        assertThat(BUSY.hashCode()).isEqualTo(UNRELATED.hashCode());
        try (CacheManager a = manager();
                CacheManager b = manager();
                Releaser released = release::countDown) {
            Cache<String, String> inA = a.createCache("slow", new MutableConfiguration<String, String>());
            Cache<String, String> inB = b.createCache("slow", new MutableConfiguration<String, String>());
            inB.put(UNRELATED, "v1");
            holdCopy(inA, UNRELATED, "v1");

            CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> inA.invoke(BUSY, new Slow()), threads);
            assertThat(entered.await(20, TimeUnit.SECONDS))
                    .as("the processor started")
                    .isTrue();

            inB.put(UNRELATED, "v2");

            await("A drops its copy of " + UNRELATED + " changed by B while A's processor runs on " + BUSY)
                    .atMost(BOUND)
                    .until(() -> nearCopy(inA, UNRELATED) == null);
            release.countDown();
            assertThat(slow.get(20, TimeUnit.SECONDS)).isEqualTo("done");
            assertThat(inA.get(UNRELATED)).isEqualTo("v2");
            assertThat(inA.get(BUSY)).isEqualTo("slow");
        }
    }

    @Test
    void aWaitForAnotherProcesssLockDoesNotDelayTheInvalidationOfAnotherKeyInItsStripe() throws Exception {
        try (CacheManager a = manager();
                CacheManager b = manager();
                Releaser released = release::countDown) {
            Cache<String, String> inA = a.createCache("slow", new MutableConfiguration<String, String>());
            Cache<String, String> inB = b.createCache("slow", new MutableConfiguration<String, String>());
            inA.put(UNRELATED, "v1");
            holdCopy(inB, UNRELATED, "v1");

            CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> inA.invoke(BUSY, new Slow()), threads);
            assertThat(entered.await(20, TimeUnit.SECONDS))
                    .as("the processor started")
                    .isTrue();
            // B's invocation of the same key waits for the lock A's processor holds in Redis.
            AtomicReference<Thread> waiter = new AtomicReference<>();
            CompletableFuture<String> waiting = CompletableFuture.supplyAsync(
                    () -> {
                        waiter.set(Thread.currentThread());
                        return inB.<String>invoke(BUSY, (entry, arguments) -> entry.getValue());
                    },
                    threads);
            await("B's invocation waits for A's lock")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> waiter.get() != null && waitsForLock(waiter.get()));

            // A third process changes the unrelated key (A's own writes of it would queue behind its processor).
            try (CacheManager c = manager()) {
                c.createCache("slow", new MutableConfiguration<String, String>())
                        .put(UNRELATED, "v2");
            }

            await("B drops its copy of " + UNRELATED + " changed by C while B waits for the lock of " + BUSY)
                    .atMost(BOUND)
                    .until(() -> nearCopy(inB, UNRELATED) == null);
            release.countDown();
            assertThat(slow.get(20, TimeUnit.SECONDS)).isEqualTo("done");
            assertThat(waiting.get(20, TimeUnit.SECONDS)).isEqualTo("slow");
            assertThat(inB.get(UNRELATED)).isEqualTo("v2");
        }
    }

    @Test
    void aSlowEntryProcessorDoesNotHoldUpAnotherKeyOfItsStripe() throws Exception {
        assertThat(BUSY.hashCode()).isEqualTo(UNRELATED.hashCode());
        try (CacheManager a = manager();
                CacheManager b = manager();
                Releaser released = release::countDown) {
            Cache<String, String> inA = a.createCache("slow", new MutableConfiguration<String, String>());
            Cache<String, String> inB = b.createCache("slow", new MutableConfiguration<String, String>());
            inB.put(UNRELATED, "v1");

            CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> inA.invoke(BUSY, new Slow()), threads);
            assertThat(entered.await(20, TimeUnit.SECONDS))
                    .as("the processor started")
                    .isTrue();

            assertThat(CompletableFuture.supplyAsync(() -> inA.get(UNRELATED), threads)
                            .get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS))
                    .as("a read of another key of the stripe, from Redis, while the processor runs")
                    .isEqualTo("v1");
            CompletableFuture.runAsync(() -> inA.put(UNRELATED, "v2"), threads)
                    .get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(inA.get(UNRELATED)).isEqualTo("v2");

            release.countDown();
            assertThat(slow.get(20, TimeUnit.SECONDS)).isEqualTo("done");
            assertThat(inA.get(BUSY)).isEqualTo("slow");
            await("B sees both changes")
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> "v2".equals(inB.get(UNRELATED)) && "slow".equals(inB.get(BUSY)));
        }
    }

    @Test
    void aWaitForAnotherProcesssLockDoesNotHoldUpAnotherKeyOfItsStripe() throws Exception {
        try (CacheManager a = manager();
                CacheManager b = manager();
                Releaser released = release::countDown) {
            Cache<String, String> inA = a.createCache("slow", new MutableConfiguration<String, String>());
            Cache<String, String> inB = b.createCache("slow", new MutableConfiguration<String, String>());
            inA.put(UNRELATED, "v1");

            CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> inA.invoke(BUSY, new Slow()), threads);
            assertThat(entered.await(20, TimeUnit.SECONDS))
                    .as("the processor started")
                    .isTrue();
            // B's invocation of the same key waits for the lock A's processor holds in Redis.
            AtomicReference<Thread> waiter = new AtomicReference<>();
            CompletableFuture<String> waiting = CompletableFuture.supplyAsync(
                    () -> {
                        waiter.set(Thread.currentThread());
                        return inB.<String>invoke(BUSY, (entry, arguments) -> entry.getValue());
                    },
                    threads);
            await("B's invocation waits for A's lock")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> waiter.get() != null && waitsForLock(waiter.get()));

            assertThat(CompletableFuture.supplyAsync(() -> inB.get(UNRELATED), threads)
                            .get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS))
                    .as("B reads another key of the stripe from Redis while it waits for the lock")
                    .isEqualTo("v1");
            CompletableFuture.runAsync(() -> inB.put(UNRELATED, "v2"), threads)
                    .get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);

            release.countDown();
            assertThat(slow.get(20, TimeUnit.SECONDS)).isEqualTo("done");
            assertThat(waiting.get(20, TimeUnit.SECONDS)).isEqualTo("slow");
            assertThat(inB.get(UNRELATED)).isEqualTo("v2");
            await("A sees B's change").atMost(Duration.ofSeconds(5)).until(() -> "v2".equals(inA.get(UNRELATED)));
        }
    }

    /** Sets the entry to "slow" once the test lets it finish. */
    private final class Slow implements EntryProcessor<String, String, String> {
        @Override
        public String process(MutableEntry<String, String> entry, Object... arguments) {
            entered.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never released the processor");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            entry.setValue("slow");
            return "done";
        }
    }

    /**
     * Reads {@code key} into {@code cache}'s heap once the announcement of its creation elsewhere was applied
     * there, so that announcement cannot drop the copy later.
     */
    private static void holdCopy(Cache<String, String> cache, String key, String value) {
        await("the creation of " + key + " applied")
                .atMost(Duration.ofSeconds(10))
                .until(() -> store(cache).counters().invalidations(0) >= 1);
        assertThat(cache.get(key)).isEqualTo(value);
        assertThat(nearCopy(cache, key)).as("the heap copy of " + key).isNotNull();
    }

    /** Lets the processor finish before the managers close (closing waits for it), whatever failed. */
    private interface Releaser extends AutoCloseable {
        @Override
        void close();
    }

    private static boolean waitsForLock(Thread thread) {
        return Arrays.stream(thread.getStackTrace())
                .anyMatch(frame -> frame.getMethodName().equals("tryLock"));
    }

    private static Object nearCopy(Cache<String, String> cache, String key) {
        return store(cache).tiers().get(0).get(key);
    }

    @SuppressWarnings("unchecked")
    private static TieredStore<String> store(Cache<String, String> cache) {
        return cache.unwrap(TieredStore.class);
    }

    private CacheManager manager() {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", "heap+redis");
        settings.setProperty("terrace.l3.address", server.address());
        // Another class loader gives another manager, with its own connection and coherence thread.
        ClassLoader loader = new URLClassLoader(new URL[0], getClass().getClassLoader());
        return Caching.getCachingProvider(TerraceCachingProvider.class.getName())
                .getCacheManager(URI.create("terrace:slow-processor"), loader, settings);
    }
}
