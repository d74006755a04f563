package dev.terrace.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrace.jcache.TerraceCachingProvider;
import dev.terrace.jcache.redis.RedisServer;
import java.net.URI;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * An application that uses Redisson itself, next to Terrace: both work against the same Redis. With
 * Redisson's own jar on the class path there are two JCache providers, so the application names Terrace, as
 * it would in {@code spring.cache.jcache.provider} or {@code hibernate.javax.cache.provider}.
 */
class OwnRedissonTest {

    private final RedisServer server = RedisServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void terraceAndTheApplicationsOwnRedissonWorkSideBySide() {
        assertThatThrownBy(Caching::getCachingProvider)
                .as("Redisson's own jar registers a second provider: the application must name one")
                .isInstanceOf(CacheException.class)
                .hasMessageContaining("Multiple CachingProviders");

        CachingProvider terrace = Caching.getCachingProvider(TerraceCachingProvider.class.getName());
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", "heap+redis");
        settings.setProperty("terrace.l3.address", server.address());
        Config config = new Config();
        config.useSingleServer().setAddress(server.address());
        RedissonClient own = Redisson.create(config);
        try (CacheManager manager = terrace.getCacheManager(
                URI.create("terrace:consumer"), getClass().getClassLoader(), settings)) {
            Cache<String, String> cache = manager.createCache("side-by-side", new MutableConfiguration<>());
            cache.put("through-terrace", "yes");

            RBucket<String> bucket = own.getBucket("through-own-redisson", StringCodec.INSTANCE);
            bucket.set("yes");

            assertThat(cache.get("through-terrace")).isEqualTo("yes");
            assertThat(bucket.get()).isEqualTo("yes");
            assertThat(own.getKeys().getKeysByPattern("terrace:*").iterator().hasNext())
                    .as("Terrace's entries are in the same Redis")
                    .isTrue();
        } finally {
            own.shutdown();
        }
    }
}
