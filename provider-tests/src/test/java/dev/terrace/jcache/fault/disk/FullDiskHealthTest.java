package dev.terrace.jcache.fault.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.terrace.jcache.MutableClock;
import dev.terrace.jcache.TerraceCacheManager;
import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.health.TerraceHealth;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: a health check sees a disk tier that fails. On a small real filesystem that fills up, the manager
 * turns DEGRADED with a reason that names the cache, the disk store and the error; once the disk takes writes
 * again and the failure is 30 seconds old, it is UP again.
 */
class FullDiskHealthTest {

    @TempDir
    Path temp;

    private Path mount;

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            run("umount", "-l", mount.toString());
        }
    }

    @Test
    void aFullDiskMakesTheManagerDegradedUntilItsFailureIsOld() throws Exception {
        Path target = Files.createDirectories(temp.resolve("small"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", target.toString()), "cannot mount a tmpfs");
        mount = target;
        Path filler = mount.resolve("filler");
        Files.write(filler, new byte[2 * 1024 * 1024]);

        MutableClock clock = new MutableClock();
        Properties properties = new Properties();
        properties.setProperty("terrace.stack", "heap+disk");
        properties.setProperty("terrace.l2.path", mount.resolve("stores").toString());
        properties.put("terrace.clock", clock);
        try (CacheManager manager = Caching.getCachingProvider(TerraceCachingProvider.class.getName())
                .getCacheManager(
                        URI.create("terrace:full-disk-health"), getClass().getClassLoader(), properties)) {
            TerraceCacheManager terrace = manager.unwrap(TerraceCacheManager.class);
            Cache<String, byte[]> cache = manager.createCache("blobs", new MutableConfiguration<String, byte[]>());
            assertThat(terrace.health().isUp())
                    .as("healthy before the disk fills")
                    .isTrue();

            assertThatThrownBy(() -> {
                        for (int i = 0; i < 10_000; i++) {
                            cache.put("k" + i, new byte[16 * 1024]);
                        }
                    })
                    .as("a put on the full disk")
                    .isInstanceOf(CacheException.class);

            TerraceHealth full = terrace.health();
            assertThat(full.status()).isEqualTo(TerraceHealth.Status.DEGRADED);
            assertThat(full.reasons())
                    .as("the reason names the cache and its disk store")
                    .anySatisfy(reason -> assertThat(reason).contains("blobs").contains("disk"));

            Files.delete(filler);
            cache.put("after", new byte[16]);
            clock.advance(Duration.ofSeconds(31));

            assertThat(terrace.health().reasons())
                    .as("a failure more than 30 s old with the disk taking writes again")
                    .isEmpty();
        }
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    }
}
