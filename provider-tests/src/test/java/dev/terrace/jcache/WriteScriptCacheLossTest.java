package dev.terrace.jcache;

import static dev.terrace.jcache.redis.CommandCounts.commandStats;
import static dev.terrace.jcache.redis.CommandCounts.delta;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrace.jcache.redis.RedisProcesses;
import dev.terrace.jcache.redis.RedisServer;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The write script is called by its digest ({@code EVALSHA}) with its arguments as they are; a server that lost
 * its script cache ({@code SCRIPT FLUSH} here; a restart or a failover alike) answers {@code NOSCRIPT}, and every
 * kind of single-key write (decided put, decided put-if-absent, replace and remove, a locked change) must then
 * still be made, once, and announced to the other processes.
 */
class WriteScriptCacheLossTest {

    private final RedisServer server = RedisServer.start();
    private final RedisProcesses processes = new RedisProcesses(server.address(), "script-cache-loss");

    @AfterEach
    void stop() {
        processes.close();
        server.close();
    }

    private CacheManager manager() {
        return processes.manager("heap+redis");
    }

    static final class Append implements EntryProcessor<String, String, String>, Serializable {
        @Override
        public String process(MutableEntry<String, String> entry, Object... arguments) {
            entry.setValue(entry.getValue() + "+");
            return entry.getValue();
        }
    }

    /** Flushes the server's script cache; returns the EVAL calls counted until {@code write} is made. */
    private long evalsAfterFlush(Runnable write) throws IOException {
        assertThat(server.command("SCRIPT FLUSH")).isEqualTo("+OK");
        Map<String, Long> before = commandStats(server);
        write.run();
        return delta(before, commandStats(server), "eval");
    }

    @Test
    void everySingleKeyWriteIsMadeAfterTheServerLostItsScripts() throws IOException {
        Cache<String, String> mine = manager().createCache("writes", new MutableConfiguration<String, String>());
        Cache<String, String> theirs = manager().createCache("writes", new MutableConfiguration<String, String>());
        mine.put("p", "0");
        mine.put("a", "0");
        assertThat(theirs.get("p")).isEqualTo("0");
        assertThat(theirs.get("a")).isEqualTo("0");

        assertThat(evalsAfterFlush(() -> mine.put("p", "1")))
                .as("the put's EVALSHA answered NOSCRIPT and was sent again with the script")
                .isPositive();
        assertThat(evalsAfterFlush(() -> assertThat(mine.putIfAbsent("n", "1")).isTrue()))
                .isPositive();
        assertThat(evalsAfterFlush(() -> assertThat(mine.replace("a", "2")).isTrue()))
                .isPositive();
        assertThat(evalsAfterFlush(
                        () -> assertThat(mine.invoke("p", new Append())).isEqualTo("1+")))
                .isPositive();
        assertThat(evalsAfterFlush(() -> assertThat(mine.remove("n")).isTrue())).isPositive();

        assertThat(mine.get("p")).isEqualTo("1+");
        assertThat(mine.get("a")).isEqualTo("2");
        assertThat(mine.containsKey("n")).isFalse();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(theirs.get("p"))
                    .as("the other manager's near copy was dropped")
                    .isEqualTo("1+");
            assertThat(theirs.get("a")).isEqualTo("2");
            assertThat(theirs.containsKey("n")).isFalse();
        });
    }
}
