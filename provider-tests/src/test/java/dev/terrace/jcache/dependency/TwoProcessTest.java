package dev.terrace.jcache.dependency;

import static dev.terrace.jcache.dependency.WatchedCaches.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.redis.RedisServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With Redis the dependency index is shared: an entry another JVM stored, depending on a file, goes when this
 * JVM sees the file change (the other one never acts on its own events here), from both processes' tiers, and
 * both processes' listeners hear of it.
 */
class TwoProcessTest {

    @TempDir
    Path root;

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
    void aFileChangeSeenHereInvalidatesWhatTheOtherProcessCached() throws Exception {
        // Written before this process watches: their creation is no event here.
        Path file = write(root.resolve("shared.txt"), "one");
        Path unrelated = write(root.resolve("unrelated.txt"), "one");
        startOther();
        List<String> heard = Heard.named("this-process");
        Properties settings = DependencyProcess.settings(server.address());
        settings.setProperty("terrace.files.watch-paths", root.toString());
        settings.setProperty("terrace.files.debounce-ms", "50");
        try (CacheManager manager = Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider")
                .getCacheManager(DependencyProcess.MANAGER, getClass().getClassLoader(), settings)) {
            Cache<Object, Object> cache = manager.createCache(
                    DependencyProcess.CACHE,
                    new MutableConfiguration<>().addCacheEntryListenerConfiguration(Heard.removals("this-process")));
            assertThat(ask("put k parsed-one " + file)).isEqualTo("ok");
            assertThat(ask("put u parsed-u " + unrelated)).isEqualTo("ok");
            assertThat(ask("get k")).isEqualTo("parsed-one");
            assertThat(cache.get("k")).as("this process's near copy").isEqualTo("parsed-one");
            assertThat(WatchedCaches.dependencies(cache).filesOf("k")).containsExactly(file);

            Files.writeString(file, "two");

            await().atMost(10, TimeUnit.SECONDS)
                    .untilAsserted(() -> assertThat(heard).containsExactly("k (was parsed-one) <- file shared.txt"));
            assertThat(cache.get("k")).isNull();
            await().atMost(10, TimeUnit.SECONDS).until(() -> ask("get k").equals("null"));
            await().atMost(10, TimeUnit.SECONDS).until(() -> ask("heard").contains("k (was parsed-one)"));
            assertThat(ask("get u")).isEqualTo("parsed-u");
        }
    }

    private void startOther() throws IOException {
        other = new ProcessBuilder(List.of(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Xmx256m",
                        DependencyProcess.class.getName(),
                        server.address()))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        toOther = new PrintStream(other.getOutputStream(), true, StandardCharsets.UTF_8);
        fromOther = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
        String first = fromOther.readLine();
        while (first != null && !first.equals("ready")) {
            first = fromOther.readLine();
        }
        assertThat(first).isEqualTo("ready");
    }

    private String ask(String command) throws IOException {
        toOther.println(command);
        return fromOther.readLine();
    }
}
