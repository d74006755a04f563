package dev.terrace.jcache.tier;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The tiers of one cache, nearest first. The last tier is authoritative: it holds every entry and decides
 * every atomic operation; the tiers above it hold copies that are refreshed after each write and filled on
 * reads.
 *
 * <p>Reads look in each tier in turn and promote what they find into the nearer tiers. Writes go to the
 * authority first, atomically, and then replace the near copies.
 */
public final class TieredStore<K> implements AutoCloseable {

    private final List<Tier<K>> tiers;
    private final Tier<K> authority;
    private final List<Tier<K>> nearTiers;

    /** @param tiers the tiers, nearest first; the last one is authoritative */
    public TieredStore(List<Tier<K>> tiers) {
        if (tiers.isEmpty()) {
            throw new IllegalArgumentException("a store needs at least one tier");
        }
        this.tiers = List.copyOf(tiers);
        this.authority = this.tiers.get(this.tiers.size() - 1);
        this.nearTiers = this.tiers.subList(0, this.tiers.size() - 1);
    }

    /** The tiers, nearest first. */
    public List<Tier<K>> tiers() {
        return tiers;
    }

    /** The tier that holds every entry and decides atomic operations. */
    public Tier<K> authority() {
        return authority;
    }

    /** The entry of {@code key} from the nearest tier that holds one, promoted into the tiers above it. */
    public TierEntry get(K key) {
        if (nearTiers.isEmpty()) {
            return authority.get(key);
        }
        List<Tier<K>> missed = null;
        for (Tier<K> tier : tiers) {
            TierEntry entry = tier.get(key);
            if (entry != null) {
                if (missed != null) {
                    for (Tier<K> near : missed) {
                        near.put(key, entry);
                    }
                }
                return entry;
            }
            if (missed == null) {
                missed = new ArrayList<>(tiers.size());
            }
            missed.add(tier);
        }
        return null;
    }

    /**
     * Atomically recomputes the entry of {@code key} in the authoritative tier, then brings the near tiers in
     * line with the result.
     *
     * @return the entry held afterwards, or {@code null}
     */
    public TierEntry compute(K key, UnaryOperator<TierEntry> remapping) {
        TierEntry result = authority.compute(key, remapping);
        for (Tier<K> near : nearTiers) {
            if (result == null) {
                near.remove(key);
            } else {
                near.put(key, result);
            }
        }
        return result;
    }

    /** Drops {@code key} from every tier. */
    public void remove(K key) {
        authority.remove(key);
        for (Tier<K> near : nearTiers) {
            near.remove(key);
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

    @Override
    public void close() {
        for (Tier<K> tier : tiers) {
            tier.close();
        }
    }
}
