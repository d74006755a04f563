package dev.terrace.jcache;

import dev.terrace.jcache.config.TerraceSettings;
import dev.terrace.jcache.tier.HeapTier;
import dev.terrace.jcache.tier.Tier;
import dev.terrace.jcache.tier.TierListener;
import dev.terrace.jcache.tier.TieredStore;
import java.time.Clock;
import java.util.List;

/** Builds the tiers of a cache from its manager's settings. */
final class TierStacks {

    private TierStacks() {}

    /**
     * The store for one cache. Only the authoritative tier reports what it drops to {@code authorityListener}:
     * a near tier dropping a copy loses nothing.
     */
    static <K> TieredStore<K> build(TerraceSettings settings, Clock clock, TierListener<K> authorityListener) {
        List<Tier<K>> tiers = switch (settings.stack()) {
            case HEAP -> List.of(new HeapTier<>(settings.heapMaxEntries(), clock, authorityListener));
        };
        return new TieredStore<>(tiers);
    }
}
