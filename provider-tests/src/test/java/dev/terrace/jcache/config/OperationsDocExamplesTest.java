package dev.terrace.jcache.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The connection settings of docs/operations.md mean what the page says: its Sentinel and Cluster examples are
 * the files under {@code src/test/resources/docs/} (DocSnippetsTest keeps the page and the files equal), read
 * here as Terrace reads its properties.
 */
class OperationsDocExamplesTest {

    @Test
    void theSentinelExampleFollowsTheMasterTheSentinelsName() throws IOException {
        Properties settings = load("sentinel.properties");
        RedisSettings redis = RedisSettings.from(settings);

        assertThat(settings.getProperty("terrace.stack")).isEqualTo("heap+disk+redis");
        assertThat(redis.mode()).isEqualTo(RedisSettings.Mode.SENTINEL);
        assertThat(redis.nodes())
                .containsExactly("redis://10.0.0.5:26379", "redis://10.0.0.6:26379", "redis://10.0.0.7:26379");
        assertThat(redis.masterName()).isEqualTo("mymaster");
        assertThat(redis.database()).isZero();
        assertThat(redis.timeout()).hasMillis(1_000);
    }

    @Test
    void theClusterExampleSpreadsEachCacheOver24Shards() throws IOException {
        RedisSettings redis = RedisSettings.from(load("cluster.properties"));

        assertThat(redis.mode()).isEqualTo(RedisSettings.Mode.CLUSTER);
        assertThat(redis.nodes()).hasSize(3);
        assertThat(redis.shards())
                .as("shards=0 means the Cluster default")
                .isEqualTo(RedisSettings.DEFAULT_CLUSTER_SHARDS);
    }

    private static Properties load(String name) throws IOException {
        Properties settings = new Properties();
        try (InputStream in = OperationsDocExamplesTest.class.getResourceAsStream("/docs/" + name)) {
            settings.load(in);
        }
        assertThat(List.copyOf(settings.stringPropertyNames())).isNotEmpty();
        return settings;
    }
}
