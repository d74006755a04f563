package dev.terrace.jcache;

import dev.terrace.jcache.event.InvalidationCause;
import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.dependency.FileDependencyTracker;
import dev.terrace.jcache.internal.dependency.InvalidationTarget;
import dev.terrace.jcache.internal.spi.DiskBackedTier;
import dev.terrace.jcache.internal.spi.SharedTier;
import dev.terrace.jcache.internal.tier.Tier;
import dev.terrace.jcache.internal.tier.TieredStore;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Connects a cache to file dependency tracking: the index goes where the cache's data lives (Redis when it
 * is the authority, else beside the disk store, else in memory), and invalidations go through the cache's
 * store.
 */
final class DependencyWiring {

    private DependencyWiring() {}

    /** @param core the cache's core, read when an invalidation runs (the core is built after the tracking) */
    static <K, V> FileDependencyTracker<K, V> open(
            TerraceCache<K, V> cache,
            TerraceCacheManager manager,
            String name,
            TieredStore<K> store,
            Codec codec,
            Executor executor,
            Supplier<CacheCore<K, V>> core) {
        boolean shared = store.authority() instanceof SharedTier<?>;
        Path journal = null;
        for (Tier<K> tier : store.tiers()) {
            if (tier instanceof DiskBackedTier<?> disk) {
                journal = disk.directory().resolve("dependencies.journal");
            }
        }
        InvalidationTarget<K> target = new InvalidationTarget<>() {
            @Override
            public boolean invalidate(K key, InvalidationCause cause, Runnable underLock) {
                return core.get().invalidate(key, cause, underLock);
            }

            @Override
            public void dropNearCopies() {
                store.clearNearCopies();
            }

            @Override
            public void ifAbsent(K key, Runnable action) {
                core.get().ifAbsent(key, action);
            }
        };
        return FileDependencyTracker.open(
                name,
                manager.settings().files(),
                manager.fileWatcher(),
                codec,
                shared ? manager.redis().dependencyIndex(TierStacks.safeName(manager.sharedName()), name, codec) : null,
                shared ? null : journal,
                cache,
                target,
                executor);
    }
}
