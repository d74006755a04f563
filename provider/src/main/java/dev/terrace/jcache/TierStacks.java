package dev.terrace.jcache;

import dev.terrace.jcache.config.TerraceSettings;
import dev.terrace.jcache.config.TierStack;
import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.spi.DiskBackedTier;
import dev.terrace.jcache.internal.spi.RedisLink;
import dev.terrace.jcache.internal.spi.SharedTier;
import dev.terrace.jcache.internal.tier.HeapTier;
import dev.terrace.jcache.internal.tier.Tier;
import dev.terrace.jcache.internal.tier.TierListener;
import dev.terrace.jcache.internal.tier.TieredStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.cache.event.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the tiers of a cache from its manager's settings. */
final class TierStacks {

    /** Told about changes other processes made to a shared tier, for this process's listeners. */
    @FunctionalInterface
    interface RemoteEvents<K> {
        /** The values are in stored form, {@code null} where there is none. */
        void changed(EventType type, K key, Object newValue, Object oldValue);
    }

    private static final Logger LOG = LoggerFactory.getLogger(TierStacks.class);

    private TierStacks() {}

    /**
     * The store for one cache. Only the authoritative tier reports what it drops to {@code authorityListener}
     * (a near tier dropping a copy loses nothing); when it drops an entry, the near copies go too. The heap
     * tiers track expiry only when {@code entriesExpire}.
     */
    static <K> TieredStore<K> build(
            TerraceSettings settings,
            Supplier<RedisLink> redis,
            ClassLoader classLoader,
            String sharedName,
            String cacheName,
            boolean storeByValue,
            boolean entriesExpire,
            Codec codec,
            Clock clock,
            TierListener<K> authorityListener,
            RemoteEvents<K> remoteEvents) {
        if (!storeByValue && settings.stack() != TierStack.HEAP) {
            // The cache holds the caller's own objects: only the heap can hold references.
            LOG.info(
                    "Cache {} is store-by-reference: it keeps its entries on the heap tier only, not in the {} stack",
                    cacheName,
                    settings.stack().id());
            return new TieredStore<>(List.of(heap(settings, clock, authorityListener, entriesExpire)), clock);
        }
        AtomicReference<TieredStore<K>> store = new AtomicReference<>();
        TierListener<K> dropBelow = (tier, key, entry, expired) -> {
            TieredStore<K> built = store.get();
            if (built != null) {
                built.authorityDropped(key);
            }
            authorityListener.onDropped(tier, key, entry, expired);
        };
        List<Tier<K>> tiers = new ArrayList<>();
        switch (settings.stack()) {
            case HEAP -> tiers.add(heap(settings, clock, authorityListener, entriesExpire));
            case HEAP_DISK -> {
                tiers.add(heap(settings, clock, TierListener.none(), entriesExpire));
                tiers.add(disk(settings, classLoader, sharedName, cacheName, codec, clock, dropBelow));
            }
            case DISK -> tiers.add(disk(settings, classLoader, sharedName, cacheName, codec, clock, authorityListener));
            case REDIS, HEAP_REDIS, HEAP_DISK_REDIS -> {
                if (settings.stack() != TierStack.REDIS) {
                    tiers.add(heap(settings, clock, TierListener.none(), entriesExpire));
                }
                // Before anything is opened: a missing module fails the creation with nothing to undo.
                TierModules.redis(classLoader, settings.stack().id(), cacheName);
                Path nearDirectory = null;
                if (settings.stack() == TierStack.HEAP_DISK_REDIS) {
                    DiskBackedTier<K> near =
                            disk(settings, classLoader, sharedName, cacheName, codec, clock, TierListener.none());
                    nearDirectory = near.directory();
                    tiers.add(near);
                }
                tiers.add(redis.get()
                        .openTier(safeName(sharedName), cacheName, codec, clock, nearDirectory, settings.redisTtl()));
            }
        }
        TieredStore<K> built = new TieredStore<>(tiers, clock);
        store.set(built);
        if (built.authority() instanceof SharedTier<K> shared) {
            // Near copies kept on disk may predate changes made elsewhere while this process was down: the
            // subscription replays what was missed, or drops them when that cannot be proved.
            shared.subscribe(new SharedTier.Invalidations<>() {
                @Override
                public void changed(K key) {
                    built.invalidateNearCopies(key);
                }

                @Override
                public void unknown() {
                    built.clearNearCopies();
                }

                @Override
                public void event(EventType type, K key, Object newValue, Object oldValue) {
                    remoteEvents.changed(type, key, newValue, oldValue);
                }
            });
        }
        return built;
    }

    private static <K> HeapTier<K> heap(
            TerraceSettings settings, Clock clock, TierListener<K> listener, boolean entriesExpire) {
        return new HeapTier<>(settings.heapMaxEntries(), settings.heapTtl(), clock, listener, entriesExpire);
    }

    private static <K> DiskBackedTier<K> disk(
            TerraceSettings settings,
            ClassLoader classLoader,
            String sharedName,
            String cacheName,
            Codec codec,
            Clock clock,
            TierListener<K> listener) {
        return TierModules.disk(classLoader, settings.stack().id(), cacheName)
                .open(settings, sharedName, cacheName, codec, clock, listener);
    }

    /** A file name for {@code name}: its safe characters, and a hash so that different names never collide. */
    static String safeName(String name) {
        String readable = name.replaceAll("[^A-Za-z0-9._-]", "_");
        if (readable.length() > 80) {
            readable = readable.substring(0, 80);
        }
        int hash = 0;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            hash = 31 * hash + b;
        }
        return readable + "-" + Integer.toHexString(hash);
    }
}
