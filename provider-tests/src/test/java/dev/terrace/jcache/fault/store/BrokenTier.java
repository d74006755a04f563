package dev.terrace.jcache.fault.store;

import dev.terrace.jcache.internal.tier.Tier;
import dev.terrace.jcache.internal.tier.TierEntry;

/**
 * A tier whose device fails on demand: while broken, every read, store, drop and clear throws what a damaged
 * store throws (an {@link InternalError}, as a memory-mapped file on a full device does), and the entries it
 * held before stay in it.
 */
final class BrokenTier<K> extends ForwardingTier<K> {

    private volatile boolean broken;

    BrokenTier(Tier<K> delegate) {
        super(delegate);
    }

    void breakDown() {
        broken = true;
    }

    void heal() {
        broken = false;
    }

    private void failIfBroken() {
        if (broken) {
            throw new InternalError("a fault in a recent unsafe memory access operation (test fault)");
        }
    }

    @Override
    public TierEntry get(K key) {
        failIfBroken();
        return super.get(key);
    }

    @Override
    public void put(K key, TierEntry entry) {
        failIfBroken();
        super.put(key, entry);
    }

    @Override
    public void remove(K key) {
        failIfBroken();
        super.remove(key);
    }

    @Override
    public void clear() {
        failIfBroken();
        super.clear();
    }
}
