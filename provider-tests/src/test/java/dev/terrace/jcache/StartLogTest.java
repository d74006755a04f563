package dev.terrace.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.terrace.jcache.config.RedisSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The line a cache logs when it starts names its tiers and where they keep their data, never a secret. */
class StartLogTest {

    @TempDir
    Path disk;

    private final Logger logger = (Logger) LoggerFactory.getLogger(TerraceCache.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private Level level;

    @BeforeEach
    void listen() {
        level = logger.getLevel();
        logger.setLevel(Level.INFO);
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(lines);
        logger.setLevel(level);
    }

    @Test
    void aCacheLogsItsTiersAndItsDiskDirectoryAtInfo() {
        try (CacheManager manager = Caches.manager(
                "terrace.stack", "heap+disk", "terrace.l1.max-entries", "500", "terrace.l2.path", disk.toString())) {
            manager.createCache("orders", new MutableConfiguration<String, String>().setStatisticsEnabled(true));
        }
        List<String> created = lines.list.stream()
                .filter(event -> event.getLevel() == Level.INFO)
                .map(ILoggingEvent::getFormattedMessage)
                .filter(message -> message.startsWith("Cache orders created"))
                .toList();
        assertThat(created).hasSize(1);
        assertThat(created.get(0))
                .contains("heap(max 500 entries) > disk(" + disk.toAbsolutePath())
                .contains("statistics on");
    }

    @Test
    void theRedisDescriptionNamesModeAndAddressesButNoCredentials() {
        RedisSettings single = RedisSettings.from(Map.of(
                "terrace.l3.address", "redis://app:s3cret@10.0.0.5:6380", "terrace.l3.password", "hunter2")::get);
        assertThat(TierDescriptions.redis(single))
                .isEqualTo("single redis://10.0.0.5:6380 db 0, namespace terrace, password set")
                .doesNotContain("s3cret", "hunter2");

        RedisSettings sentinel = RedisSettings.from(Map.of(
                "terrace.l3.mode", "sentinel",
                "terrace.l3.nodes", "redis://10.0.0.5:26379, redis://10.0.0.6:26379",
                "terrace.l3.master-name", "mymaster")::get);
        assertThat(TierDescriptions.redis(sentinel))
                .isEqualTo("sentinel master mymaster via redis://10.0.0.5:26379,redis://10.0.0.6:26379 db 0,"
                        + " namespace terrace, no password");

        RedisSettings cluster = RedisSettings.from(
                Map.of("terrace.l3.mode", "cluster", "terrace.l3.nodes", "redis://:pw@10.0.0.7:7000")::get);
        assertThat(TierDescriptions.redis(cluster))
                .isEqualTo("cluster redis://10.0.0.7:7000, namespace terrace, no password");
    }
}
