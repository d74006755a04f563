package dev.terrace.jcache.internal.tier;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * The tiers of one cache, nearest first. The last tier is authoritative: it holds every entry and decides
 * every atomic operation; the tiers above it hold copies that are refreshed after each write and filled on
 * reads.
 *
 * <p>Reads look in each tier in turn and promote what they find into the nearer tiers. Writes go to the
 * authority first, atomically, and then replace the near copies. A promotion and a write of the same key
 * never interleave (both hold the key's stripe lock), so a read that fetched a value from below just before
 * a write cannot leave that older value in a near tier.
 */
public final class TieredStore<K> implements AutoCloseable {

    private static final int STRIPES = 256;

    private final List<Tier<K>> tiers;
    private final Tier<K> authority;
    private final List<Tier<K>> nearTiers;
    private final TierCounters counters;
    private final ReentrantLock[] stripes;
    private final Clock clock;

    /** @param tiers the tiers, nearest first; the last one is authoritative */
    public TieredStore(List<Tier<K>> tiers) {
        this(tiers, Clock.systemUTC());
    }

    /**
     * @param tiers the tiers, nearest first; the last one is authoritative
     * @param clock tells when a near copy has expired, so that a read looks further down instead of using it
     */
    public TieredStore(List<Tier<K>> tiers, Clock clock) {
        this.clock = clock;
        if (tiers.isEmpty()) {
            throw new IllegalArgumentException("a store needs at least one tier");
        }
        this.tiers = List.copyOf(tiers);
        this.authority = this.tiers.get(this.tiers.size() - 1);
        this.nearTiers = this.tiers.subList(0, this.tiers.size() - 1);
        this.counters = new TierCounters(this.tiers.size());
        this.stripes = new ReentrantLock[STRIPES];
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** The tiers, nearest first. */
    public List<Tier<K>> tiers() {
        return tiers;
    }

    /** The tier that holds every entry and decides atomic operations. */
    public Tier<K> authority() {
        return authority;
    }

    /** What each tier did: hits, misses, invalidations, read latency. */
    public TierCounters counters() {
        return counters;
    }

    /** How many reads tier {@code index} (0 = nearest) answered. */
    public long hits(int index) {
        return counters.hits(index);
    }

    /** How many reads tier {@code index} (0 = nearest) did not answer. */
    public long misses(int index) {
        return counters.misses(index);
    }

    /** How many entries tier {@code index} (0 = nearest) evicted to stay within its bound. */
    public long evictions(int index) {
        return tiers.get(index).evictions();
    }

    /** The entry of {@code key} from the nearest tier that holds one, promoted into the tiers above it. */
    public TierEntry get(K key) {
        if (nearTiers.isEmpty()) {
            return count(0, authorityGet(key));
        }
        for (int i = 0; i < nearTiers.size(); i++) {
            TierEntry entry = count(i, liveNear(read(i, key)));
            if (entry != null) {
                return entry;
            }
        }
        ReentrantLock stripe = stripeOf(key);
        stripe.lock();
        try {
            // Under the key's lock no write can change the key between this read and the promotion.
            for (int i = 0; i < nearTiers.size(); i++) {
                TierEntry entry = liveNear(nearTiers.get(i).get(key));
                if (entry != null) {
                    return entry;
                }
            }
            TierEntry entry = count(tiers.size() - 1, authorityGet(key));
            if (entry != null) {
                for (Tier<K> near : nearTiers) {
                    near.put(key, entry);
                }
            }
            return entry;
        } finally {
            stripe.unlock();
        }
    }

    /**
     * Atomically recomputes the entry of {@code key} in the authoritative tier, then brings the near tiers in
     * line with the result.
     *
     * @return the entry held afterwards, or {@code null}
     */
    public TierEntry compute(K key, UnaryOperator<TierEntry> remapping) {
        return compute(key, remapping, false);
    }

    /**
     * Like {@link #compute}, for a {@code remapping} that may run more than once (see {@link
     * Tier#computeRetrying}); changes of one key by threads of this process still never interleave.
     */
    public TierEntry computeRetrying(K key, UnaryOperator<TierEntry> remapping) {
        return compute(key, remapping, true);
    }

    private TierEntry compute(K key, UnaryOperator<TierEntry> remapping, boolean retrying) {
        if (nearTiers.isEmpty() && !authority.isShared()) {
            // A lone local tier runs each remapping once, atomically: no stripe needed.
            return authority.compute(key, remapping);
        }
        ReentrantLock stripe = stripeOf(key);
        stripe.lock();
        try {
            TierEntry result;
            try {
                result = retrying ? authority.computeRetrying(key, remapping) : authority.compute(key, remapping);
            } catch (TierUnavailableException e) {
                if (!authority.deferChange(key)) {
                    // The change was not applied; a near copy of the key might disagree with it once the
                    // authority is back, so it goes.
                    removeNearCopies(key);
                    throw e;
                }
                // The authority noted the key and drops it everywhere when it is back; meanwhile the near tiers
                // decide, from the nearest live copy.
                result = remapping.apply(nearestLiveCopy(key));
            }
            for (Tier<K> near : nearTiers) {
                if (result == null) {
                    near.remove(key);
                } else {
                    near.put(key, result);
                }
            }
            return result;
        } finally {
            stripe.unlock();
        }
    }

    /** Drops {@code key} from every tier. */
    public void remove(K key) {
        compute(key, current -> null);
    }

    /** Drops the near copies of {@code key}, as when the authority dropped the entry itself. */
    public void removeNearCopies(K key) {
        for (int i = 0; i < nearTiers.size(); i++) {
            nearTiers.get(i).remove(key);
            counters.recordInvalidation(i);
        }
    }

    /**
     * Drops the near copies of {@code key} because it changed elsewhere (another process wrote it). Takes the
     * key's lock, so a read that is promoting a value it fetched before that change finishes first and its
     * promotion is dropped here, never left behind.
     */
    public void invalidateNearCopies(K key) {
        if (nearTiers.isEmpty()) {
            return;
        }
        ReentrantLock stripe = stripeOf(key);
        stripe.lock();
        try {
            removeNearCopies(key);
        } finally {
            stripe.unlock();
        }
    }

    /** Drops every near copy, when this process cannot tell which keys changed elsewhere. */
    public void clearNearCopies() {
        if (nearTiers.isEmpty()) {
            return;
        }
        for (ReentrantLock stripe : stripes) {
            stripe.lock();
        }
        try {
            for (int i = 0; i < nearTiers.size(); i++) {
                nearTiers.get(i).clear();
                counters.recordClear(i);
            }
        } finally {
            for (ReentrantLock stripe : stripes) {
                stripe.unlock();
            }
        }
    }

    /** The keys of the authoritative tier, weakly consistent. */
    public Iterator<K> keys() {
        return authority.keys();
    }

    /** How many entries the authoritative tier holds. */
    public long size() {
        return authority.size();
    }

    /** Drops every entry of every tier. */
    public void clear() {
        authority.clear();
        for (Tier<K> near : nearTiers) {
            near.clear();
        }
    }

    /** Closes every tier and deletes what they persisted. */
    public void destroy() {
        for (Tier<K> tier : tiers) {
            tier.destroy();
        }
    }

    @Override
    public void close() {
        for (Tier<K> tier : tiers) {
            tier.close();
        }
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        tiers.forEach(tier -> names.add(tier.name()));
        return String.join("+", names);
    }

    /**
     * {@code entry} unless it has expired: a near copy can expire before the authority's entry does (a near
     * tier with a shorter time to live), and then the read must look further down.
     */
    private TierEntry liveNear(TierEntry entry) {
        return entry == null || entry.expiresAt() == TierEntry.ETERNAL || !entry.isExpired(clock.millis())
                ? entry
                : null;
    }

    private TierEntry nearestLiveCopy(K key) {
        for (Tier<K> near : nearTiers) {
            TierEntry entry = liveNear(near.get(key));
            if (entry != null) {
                return entry;
            }
        }
        return null;
    }

    /** The authority's entry, or {@code null} (a miss) while it cannot be reached. */
    private TierEntry authorityGet(K key) {
        try {
            return read(tiers.size() - 1, key);
        } catch (TierUnavailableException e) {
            return null;
        }
    }

    /** Reads tier {@code index}, timing the read while timing is on. */
    private TierEntry read(int index, K key) {
        Tier<K> tier = tiers.get(index);
        if (!counters.isTiming()) {
            return tier.get(key);
        }
        long start = System.nanoTime();
        try {
            return tier.get(key);
        } finally {
            counters.recordGetTime(index, System.nanoTime() - start);
        }
    }

    private TierEntry count(int index, TierEntry entry) {
        counters.recordRead(index, entry != null);
        return entry;
    }

    private ReentrantLock stripeOf(K key) {
        int hash = key.hashCode();
        return stripes[(hash ^ (hash >>> 16)) & (STRIPES - 1)];
    }
}
