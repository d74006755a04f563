package dev.terrace.jcache.internal.spi;

import dev.terrace.jcache.config.RedisSettings;
import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.dependency.DependencyIndex;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** One cache manager's connection to Redis, shared by the manager's caches. */
public interface RedisLink extends AutoCloseable {

    /** What the connection was opened with. */
    RedisSettings settings();

    /** Whether Redis cannot be reached now (the caches serve from their near tiers meanwhile). */
    boolean isDown();

    /**
     * The authoritative tier of one cache, shared by every process whose manager has the same name.
     *
     * @param nearDirectory the directory of the cache's disk tier, where the tier keeps what it must remember
     *     across restarts of this process (its outage journal), or {@code null} without one
     * @param ttl how long an entry lives in Redis after its last write, or {@code null} for as long as its
     *     expiry policy says
     */
    <K> SharedTier<K> openTier(
            String managerName, String cacheName, Codec codec, Clock clock, Path nearDirectory, Duration ttl);

    /** The file-dependency index of one cache, kept in Redis and shared like the cache's entries. */
    <K> DependencyIndex<K> dependencyIndex(String managerName, String cacheName, Codec codec);

    @Override
    void close();
}
