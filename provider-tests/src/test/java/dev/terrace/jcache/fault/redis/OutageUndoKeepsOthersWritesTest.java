package dev.terrace.jcache.fault.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.TerraceCacheManager;
import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.redis.Partition;
import dev.terrace.jcache.redis.RedisServer;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by the multi-JVM fault suite ({@code CLIENT_KILL}: reads of keys nobody removed came back absent after
 * recovery): a process cut off from Redis takes changes in its near disk tier and, once Redis answers again,
 * undoes them everywhere. The undo deleted the key's entry in Redis whatever it held by then, so a change that
 * another process made while this one was cut off — acknowledged, in Redis — was lost. The undo must drop the
 * near copies of the change Redis never saw, in every process, and leave Redis's entry as it is.
 */
class OutageUndoKeepsOthersWritesTest {

    private RedisServer server;
    private Partition partition;

    @TempDir
    Path work;

    @BeforeEach
    void start() {
        server = RedisServer.start();
        partition = Partition.to(server.port());
    }

    @AfterEach
    void stop() {
        partition.close();
        server.close();
    }

    private CacheManager manager(String stack, String address, String name) {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", stack);
        settings.setProperty("terrace.l3.address", address);
        settings.setProperty("terrace.l3.timeout-ms", "500");
        settings.setProperty("terrace.l3.connect-timeout-ms", "500");
        settings.setProperty("terrace.l2.path", work.resolve(name).toString());
        // A class loader of its own: another manager with its own connection, as in another process.
        ClassLoader loader = new URLClassLoader(new URL[0], getClass().getClassLoader());
        return Caching.getCachingProvider(TerraceCachingProvider.class.getName())
                .getCacheManager(URI.create("terrace:outage-undo"), loader, settings);
    }

    @Test
    void undoingAnOutagesChangeKeepsWhatAnotherProcessWroteMeanwhile() {
        try (CacheManager cutOff = manager("heap+disk+redis", partition.address(), "cut-off");
                CacheManager other = manager("heap+redis", server.address(), "other");
                CacheManager authority = manager("redis", server.address(), "authority")) {
            Cache<String, String> inCutOff = cutOff.createCache("c", new MutableConfiguration<>());
            Cache<String, String> inOther = other.createCache("c", new MutableConfiguration<>());
            Cache<String, String> inRedis = authority.createCache("c", new MutableConfiguration<>());
            inCutOff.put("k", "v0");
            assertThat(inRedis.get("k")).isEqualTo("v0");

            partition.cut();
            inCutOff.put("k", "taken locally while cut off");
            assertThat(cutOff.unwrap(TerraceCacheManager.class).health().isUp())
                    .as("the cut-off process knows Redis is unreachable")
                    .isFalse();
            inOther.put("k", "v2");
            assertThat(inRedis.get("k")).isEqualTo("v2");

            partition.heal();
            await("the cut-off process reaches Redis again")
                    .atMost(Duration.ofSeconds(15))
                    .until(() ->
                            cutOff.unwrap(TerraceCacheManager.class).health().isUp());
            await("the cut-off process drops its own change and reads what Redis holds")
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(inCutOff.get("k"))
                            .as("in the cut-off process (Redis holds %s)", inRedis.get("k"))
                            .isEqualTo("v2"));

            assertThat(inRedis.get("k"))
                    .as("the other process's acknowledged change is still in Redis after the undo")
                    .isEqualTo("v2");
            assertThat(inOther.get("k")).isEqualTo("v2");
        }
    }
}
