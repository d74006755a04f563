package dev.terrace.jcache.management;

import dev.terrace.jcache.tier.TieredStore;

/** The {@link TierStatisticsMXBean} of one tier, reading the store's counters. */
public final class TierStatistics implements TierStatisticsMXBean {

    private final TieredStore<?> store;
    private final int index;

    public TierStatistics(TieredStore<?> store, int index) {
        this.store = store;
        this.index = index;
    }

    @Override
    public String getTier() {
        return index + "-" + store.tiers().get(index).name();
    }

    @Override
    public long getHits() {
        return store.hits(index);
    }

    @Override
    public long getMisses() {
        return store.misses(index);
    }

    @Override
    public float getHitPercentage() {
        long reads = getHits() + getMisses();
        return reads == 0 ? 0f : 100f * getHits() / reads;
    }
}
