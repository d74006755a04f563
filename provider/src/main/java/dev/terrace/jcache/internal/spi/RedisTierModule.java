package dev.terrace.jcache.internal.spi;

import dev.terrace.jcache.config.RedisSettings;

/** The Redis tier (artifact {@code terrace-redis}), found with {@link java.util.ServiceLoader}. */
public interface RedisTierModule {

    /**
     * Connects a cache manager to Redis. The connection stays open until it is closed, reconnecting on its
     * own; a server that cannot be reached now does not fail this call (the link reports it as down).
     */
    RedisLink connect(RedisSettings settings);
}
