package dev.terrace.jcache.internal.spi;

import dev.terrace.jcache.config.TerraceSettings;
import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.tier.TierListener;
import java.time.Clock;

/** The disk tier (artifact {@code terrace-disk}), found with {@link java.util.ServiceLoader}. */
public interface DiskTierModule {

    /**
     * Opens the disk store of one cache, creating it or verifying what an earlier process left: its directory
     * is derived from {@code settings} (the root, per-process or not), the manager's shared name and the cache
     * name.
     *
     * @throws javax.cache.CacheException when the store cannot be opened (in use by another process, damaged
     *     beyond repair, no space); the message names the directory
     */
    <K> DiskBackedTier<K> open(
            TerraceSettings settings,
            String managerName,
            String cacheName,
            Codec codec,
            Clock clock,
            TierListener<K> listener);
}
