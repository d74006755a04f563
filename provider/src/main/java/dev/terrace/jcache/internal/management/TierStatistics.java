package dev.terrace.jcache.internal.management;

import dev.terrace.jcache.internal.tier.TierCounters;
import dev.terrace.jcache.internal.tier.TieredStore;
import dev.terrace.jcache.management.TierStatisticsMXBean;

/** The {@link TierStatisticsMXBean} of one tier, reading the store's counters. */
public final class TierStatistics implements TierStatisticsMXBean {

    private final TieredStore<?> store;
    private final TierCounters counters;
    private final int index;

    public TierStatistics(TieredStore<?> store, int index) {
        this.store = store;
        this.counters = store.counters();
        this.index = index;
    }

    @Override
    public String getTier() {
        return index + "-" + getName();
    }

    @Override
    public String getName() {
        return store.tiers().get(index).name();
    }

    @Override
    public long getHits() {
        return counters.hits(index);
    }

    @Override
    public long getMisses() {
        return counters.misses(index);
    }

    @Override
    public float getHitPercentage() {
        long reads = getHits() + getMisses();
        return reads == 0 ? 0f : 100f * getHits() / reads;
    }

    @Override
    public long getEvictions() {
        return store.evictions(index);
    }

    @Override
    public long getInvalidations() {
        return counters.invalidations(index);
    }

    @Override
    public long getClears() {
        return counters.clears(index);
    }

    @Override
    public long getFailures() {
        return counters.failures(index);
    }

    @Override
    public long getTimedGets() {
        return counters.timedGets(index);
    }

    @Override
    public float getAverageGetTime() {
        return (float) (counters.meanGetNanos(index) / 1_000d);
    }
}
