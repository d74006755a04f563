package dev.terrace.jcache.internal.tier.redis;

import dev.terrace.jcache.config.RedisSettings;
import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.dependency.DependencyIndex;
import dev.terrace.jcache.internal.spi.RedisLink;
import dev.terrace.jcache.internal.spi.RedisTierModule;
import dev.terrace.jcache.internal.spi.SharedTier;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** The Redis tier module: {@code terrace-jcache} finds it through {@code META-INF/services}. */
public final class RedisTiers implements RedisTierModule {

    @Override
    public RedisLink connect(RedisSettings settings) {
        return new Link(RedisConnection.open(settings));
    }

    /** A manager's connection, as {@code terrace-jcache} sees it; Terrace's tests reach the connection through it. */
    public record Link(RedisConnection connection) implements RedisLink {

        @Override
        public RedisSettings settings() {
            return connection.settings();
        }

        @Override
        public boolean isDown() {
            return connection.health().isDown();
        }

        @Override
        public <K> SharedTier<K> openTier(
                String managerName, String cacheName, Codec codec, Clock clock, Path nearDirectory, Duration ttl) {
            RedisTier<K> tier = new RedisTier<>(connection, managerName, cacheName, codec, clock, nearDirectory);
            return ttl == null ? tier : tier.withTtl(ttl);
        }

        @Override
        public <K> DependencyIndex<K> dependencyIndex(String managerName, String cacheName, Codec codec) {
            return new RedisIndex<>(connection, managerName, cacheName, codec);
        }

        @Override
        public void close() {
            connection.close();
        }
    }
}
