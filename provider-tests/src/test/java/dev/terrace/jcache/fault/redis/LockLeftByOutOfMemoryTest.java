package dev.terrace.jcache.fault.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.redis.RedisServer;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by the multi-JVM fault suite ({@code MAXMEMORY_NOEVICTION}, 1 recovery of 9 missed within 30 s): an entry
 * processor that holds its key's lock when Redis reaches {@code maxmemory} under {@code noeviction} has its change
 * refused (out of memory, correctly), and the release of its lock refused too (the unlock is a script, and Redis
 * refuses scripts that may write while it is over {@code maxmemory}). Once memory is back the lock is still there
 * until its lease runs out (about 30 s): every change of that key, in every process, waits 10 s and fails with
 * "stayed locked". Now the release is tried again until Redis takes it ({@code LockReleases}).
 */
class LockLeftByOutOfMemoryTest {

    private RedisServer server;

    @TempDir
    Path work;

    /** Started here, not as the field is initialised: a skipped test must leave no server behind. */
    @BeforeEach
    void start() {
        server = RedisServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private CacheManager manager(String name) {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", "heap+redis");
        settings.setProperty("terrace.l3.address", server.address());
        settings.setProperty("terrace.l2.path", work.resolve(name).toString());
        // A class loader of its own: a second manager with its own connection, as in another process.
        ClassLoader loader = new URLClassLoader(new URL[0], getClass().getClassLoader());
        return Caching.getCachingProvider(TerraceCachingProvider.class.getName())
                .getCacheManager(URI.create("terrace:oom-lock"), loader, settings);
    }

    @Test
    void aLockHeldWhenRedisRanOutOfMemoryDoesNotBlockItsKeyOnceMemoryIsBack() throws Exception {
        try (CacheManager holder = manager("holder");
                CacheManager other = manager("other")) {
            Cache<String, String> held = holder.createCache("c", new MutableConfiguration<>());
            Cache<String, String> elsewhere = other.createCache("c", new MutableConfiguration<>());
            held.put("k", "v0");
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Throwable> processed =
                    CompletableFuture.supplyAsync(() -> catchThrowable(() -> held.invoke("k", (entry, arguments) -> {
                        running.countDown();
                        try {
                            release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        entry.setValue("v1");
                        return null;
                    })));
            assertThat(running.await(30, TimeUnit.SECONDS))
                    .as("the processor runs, holding the key's lock")
                    .isTrue();
            server.command("CONFIG SET maxmemory-policy noeviction");
            server.command("CONFIG SET maxmemory 1");
            release.countDown();
            assertThat(processed.get(30, TimeUnit.SECONDS))
                    .as("the processor's change is refused: Redis is out of memory")
                    .isInstanceOf(CacheException.class);
            assertThat(server.command("CONFIG SET maxmemory 0")).isEqualTo("+OK");

            long began = System.nanoTime();
            Throwable put = catchThrowable(() -> elsewhere.put("k", "v2"));
            Duration took = Duration.ofNanos(System.nanoTime() - began);

            assertThat(put)
                    .as("once Redis has memory again, a change of the key goes through (took %d ms)", took.toMillis())
                    .isNull();
            assertThat(took)
                    .as("and does not wait for a lock its holder gave up")
                    .isLessThan(Duration.ofSeconds(5));
            assertThat(elsewhere.get("k")).isEqualTo("v2");
        }
    }
}
