package dev.terrace.jcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.internal.tier.TieredStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two JVMs share a cache through Redis; each keeps near copies in its heap that never stay stale. */
class ProcessCoherenceTest {

    private final RedisServer server = RedisServer.start();
    private Process other;
    private PrintStream toOther;
    private BufferedReader fromOther;

    @AfterEach
    void stop() throws Exception {
        if (other != null) {
            toOther.close();
            other.waitFor(30, TimeUnit.SECONDS);
            other.destroyForcibly();
        }
        server.close();
    }

    @Test
    void aChangeInOneProcessReplacesTheOthersNearCopy() throws Exception {
        startOther();
        try (CacheManager manager = thisProcess()) {
            Cache<String, String> cache =
                    manager.createCache(CoherenceProcess.CACHE, new MutableConfiguration<String, String>());

            cache.put("k", "v1");
            assertThat(ask("get k")).isEqualTo("v1");
            // The other process now holds a heap copy of k; a change here must replace it there.
            cache.put("k", "v2");
            await().atMost(10, TimeUnit.SECONDS).until(() -> ask("get k").equals("v2"));

            assertThat(ask("get k")).isEqualTo("v2");
            assertThat(cache.get("k")).isEqualTo("v2");
            @SuppressWarnings("unchecked")
            TieredStore<String> tiers = cache.unwrap(TieredStore.class);
            assertThat(tiers.tiers().get(0).get("k"))
                    .as("this process's heap copy")
                    .isNotNull();

            assertThat(ask("put k v3")).isEqualTo("ok");
            await().atMost(10, TimeUnit.SECONDS).until(() -> "v3".equals(cache.get("k")));

            assertThat(ask("remove k")).isEqualTo("ok");
            await().atMost(10, TimeUnit.SECONDS).until(() -> cache.get("k") == null);
            assertThat(ask("get k")).isEqualTo("null");
        }
    }

    @Test
    void aListenerInAnotherJvmHearsEveryChangeWithOldValues() throws Exception {
        startOther();
        try (CacheManager manager = thisProcess()) {
            Cache<String, String> cache =
                    manager.createCache(CoherenceProcess.CACHE, new MutableConfiguration<String, String>());

            cache.put("k", "v1");
            cache.put("k", "v2");
            cache.remove("k");

            await().atMost(10, TimeUnit.SECONDS)
                    .untilAsserted(() ->
                            assertThat(ask("events")).isEqualTo("CREATED k=v1/null,UPDATED k=v2/v1,REMOVED k=v2/v2"));
        }
    }

    @Test
    void aRestartedProcessReplaysWhatItMissedAndKeepsItsOtherDiskCopies(@TempDir Path disk) throws Exception {
        startOther(disk.toString());
        assertThat(ask("put changed old")).isEqualTo("ok");
        assertThat(ask("put kept same")).isEqualTo("ok");
        stopOther();
        try (CacheManager manager = thisProcess()) {
            manager.createCache(CoherenceProcess.CACHE, new MutableConfiguration<String, String>())
                    .put("changed", "new");
        }

        startOther(disk.toString());

        assertThat(ask("get changed"))
                .as("its disk copy was invalidated by the log it replayed at start")
                .isEqualTo("new");
        assertThat(ask("get kept")).isEqualTo("same");
        assertThat(ask("disk-hits"))
                .as("the unchanged entry came from its disk tier, kept across the restart")
                .isEqualTo("1");
    }

    /** This JVM's manager of the shared cache (heap+redis). */
    private CacheManager thisProcess() {
        return Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider")
                .getCacheManager(
                        CoherenceProcess.MANAGER,
                        getClass().getClassLoader(),
                        CoherenceProcess.settings(server.address()));
    }

    private void stopOther() throws InterruptedException {
        toOther.close();
        assertThat(other.waitFor(30, TimeUnit.SECONDS))
                .as("the other process ended")
                .isTrue();
        other = null;
    }

    private void startOther(String... extra) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                "-Xmx256m",
                CoherenceProcess.class.getName(),
                server.address()));
        command.addAll(List.of(extra));
        other = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        toOther = new PrintStream(other.getOutputStream(), true, StandardCharsets.UTF_8);
        fromOther = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
        assertThat(fromOther.readLine()).isEqualTo("ready");
    }

    private String ask(String command) throws IOException {
        toOther.println(command);
        return fromOther.readLine();
    }
}
