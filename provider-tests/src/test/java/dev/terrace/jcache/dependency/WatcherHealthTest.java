package dev.terrace.jcache.dependency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.TerraceCacheManager;
import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.health.TerraceHealth;
import dev.terrace.jcache.internal.dependency.FileWatcher;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: a health check sees file events lost. While the watcher's thread is busy, a burst of changes in a
 * watched directory overflows the events the operating system keeps for it; the manager is then DEGRADED with
 * the reason for 30 seconds (every dependency was checked against its fingerprint meanwhile).
 */
class WatcherHealthTest {

    @TempDir
    Path watched;

    @Test
    void lostFileEventsMakeTheManagerDegraded() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("terrace.files.enabled", "true");
        properties.setProperty("terrace.files.watch-paths", watched.toString());
        properties.setProperty("terrace.files.debounce-ms", "0");
        try (CacheManager manager = Caching.getCachingProvider(TerraceCachingProvider.class.getName())
                .getCacheManager(
                        URI.create("terrace:watcher-health"), getClass().getClassLoader(), properties)) {
            manager.createCache("derived", new MutableConfiguration<String, String>());
            TerraceCacheManager terrace = manager.unwrap(TerraceCacheManager.class);
            Method fileWatcher = TerraceCacheManager.class.getDeclaredMethod("fileWatcher");
            fileWatcher.setAccessible(true);
            FileWatcher watcher = (FileWatcher) fileWatcher.invoke(terrace);
            assertThat(terrace.health().isUp()).isTrue();

            CountDownLatch busy = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            watcher.addListener(new FileWatcher.Listener() {
                @Override
                public void changed(Path path, boolean wasDirectory) {
                    busy.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }

                @Override
                public void overflow() {}
            });
            Files.writeString(watched.resolve("first"), "x");
            assertThat(busy.await(10, TimeUnit.SECONDS))
                    .as("the watcher's thread reports the first change")
                    .isTrue();
            for (int i = 0; i < 2_000; i++) {
                Files.createFile(watched.resolve("burst-" + i));
            }
            release.countDown();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                TerraceHealth health = terrace.health();
                assertThat(health.status()).isEqualTo(TerraceHealth.Status.DEGRADED);
                assertThat(health.reasons())
                        .anySatisfy(reason -> assertThat(reason).contains("File events were lost"));
            });
        }
    }
}
