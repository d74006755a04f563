package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A caller whose thread is interrupted writes to a disk stack. A {@code FileChannel} that an interrupted thread
 * uses is closed by the JDK ({@code ClosedByInterruptException}) for every thread: the journal must not be
 * lost to one interrupted caller. The caller's put either is stored or fails with a {@link CacheException}; its
 * interrupt status is kept; other threads, later calls and the next opening of the store see every change
 * that was acknowledged.
 */
class DiskInterruptedCallerTest {

    private final ExecutorService other = Executors.newSingleThreadExecutor();

    @TempDir
    Path disk;

    @AfterEach
    void stop() {
        other.shutdownNow();
    }

    /** The same manager each time (its name names the store's directory), as a restarted process opens it. */
    private CacheManager manager(String fsync) {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", "heap+disk");
        settings.setProperty("terrace.l2.path", disk.toString());
        settings.setProperty("terrace.l2.fsync", fsync);
        return Caches.provider()
                .getCacheManager(
                        URI.create("terrace:disk-interrupted"), getClass().getClassLoader(), settings);
    }

    /**
     * With {@code fsync} every append is a channel write; without it, appends are copied into a mapping, but a
     * record larger than the journal's write buffer (1 MiB) is still written through the channel.
     */
    @ParameterizedTest
    @CsvSource({"true, 1", "false, 1", "false, 2097152"})
    void anInterruptedPutLeavesTheJournalOpenForEveryone(String fsync, int valueChars) throws Exception {
        String value = "i".repeat(valueChars);
        String stored;
        try (CacheManager manager = manager(fsync)) {
            Cache<String, String> cache = manager.createCache("interrupted", new MutableConfiguration<>());
            cache.put("before", "b");

            Thread.currentThread().interrupt();
            boolean applied;
            try {
                cache.put("k", value);
                applied = true;
            } catch (CacheException e) {
                applied = false;
            } finally {
                assertThat(Thread.interrupted())
                        .as("the caller's interrupt status is kept")
                        .isTrue();
            }
            stored = applied ? value : null;

            CompletableFuture<String> elsewhere = CompletableFuture.supplyAsync(
                    () -> {
                        cache.put("other", "o");
                        return cache.get("other");
                    },
                    other);
            assertThat(elsewhere.get()).as("another thread's put is stored").isEqualTo("o");
            cache.put("after", "a");
            assertThat(cache.get("after")).isEqualTo("a");
            if (applied) {
                assertThat(cache.get("k")).isEqualTo(value);
            }
        }
        try (CacheManager manager = manager(fsync)) {
            Cache<String, String> cache = manager.getCache("interrupted");
            if (cache == null) {
                cache = manager.createCache("interrupted", new MutableConfiguration<>());
            }
            assertThat(cache.get("before"))
                    .as("acknowledged before the interrupt")
                    .isEqualTo("b");
            assertThat(cache.get("other")).as("acknowledged on another thread").isEqualTo("o");
            assertThat(cache.get("after"))
                    .as("acknowledged after the interrupt")
                    .isEqualTo("a");
            if (stored != null) {
                assertThat(cache.get("k"))
                        .as("the interrupted put was acknowledged")
                        .isEqualTo(stored);
            }
        }
    }
}
