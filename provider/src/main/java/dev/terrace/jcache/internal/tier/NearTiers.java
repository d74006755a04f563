package dev.terrace.jcache.internal.tier;

import java.time.Clock;
import java.util.List;

/**
 * The near tiers of a {@link TieredStore}, nearest first, read and written under its failure policy ({@link
 * TierFailures}): a near tier that fails, or is bypassed, behaves as empty and never fails the call. Locking is
 * the store's business; this class only holds the copies.
 */
final class NearTiers<K> {

    private final List<Tier<K>> tiers;
    private final TierFailures<K> failures;
    private final TierCounters counters;
    private final Clock clock;

    NearTiers(List<Tier<K>> tiers, TierFailures<K> failures, TierCounters counters, Clock clock) {
        this.tiers = tiers;
        this.failures = failures;
        this.counters = counters;
        this.clock = clock;
    }

    int size() {
        return tiers.size();
    }

    boolean isEmpty() {
        return tiers.isEmpty();
    }

    /**
     * Near tier {@code index}'s live copy of {@code key}, packed ({@link TierEntry#pack}), the read timed (while
     * timing is on) when {@code timed}; none where the tier is bypassed or fails.
     */
    Object liveCopy(int index, K key, boolean timed) {
        if (failures.isBypassed(index)) {
            return null;
        }
        try {
            Tier<K> tier = tiers.get(index);
            return live(timed ? counters.timedGet(index, tier, key) : tier.getPacked(key));
        } catch (RuntimeException | Error e) {
            return failures.nearReadFailed(index, key, e);
        }
    }

    /**
     * The live copy of {@code key} in the nearest tier that holds one, packed ({@link TierEntry#pack}), or
     * {@code null}; reads not timed.
     */
    Object nearestLiveCopy(K key) {
        for (int i = 0; i < tiers.size(); i++) {
            Object entry = liveCopy(i, key, false);
            if (entry != null) {
                return entry;
            }
        }
        return null;
    }

    /** Replaces the copies of {@code key} with {@code entry}; {@code null} drops them. */
    void store(K key, TierEntry entry) {
        for (int i = 0; i < tiers.size(); i++) {
            if (failures.isBypassed(i)) {
                continue;
            }
            try {
                if (entry == null) {
                    tiers.get(i).remove(key);
                } else {
                    tiers.get(i).put(key, entry);
                }
            } catch (RuntimeException | Error e) {
                failures.nearWriteFailed(i, key, e);
            }
        }
    }

    /** Drops the copies of {@code key}, counted as invalidations. */
    void drop(K key) {
        for (int i = 0; i < tiers.size(); i++) {
            if (failures.isBypassed(i)) {
                continue;
            }
            try {
                tiers.get(i).remove(key);
            } catch (RuntimeException | Error e) {
                failures.nearWriteFailed(i, key, e);
            }
            counters.recordInvalidation(i);
        }
    }

    /** Drops every copy; {@code countAsClear} when this process could not tell which keys changed elsewhere. */
    void clear(boolean countAsClear) {
        for (int i = 0; i < tiers.size(); i++) {
            if (countAsClear) {
                counters.recordClear(i);
            }
            if (failures.isBypassed(i)) {
                continue;
            }
            try {
                tiers.get(i).clear();
            } catch (RuntimeException | Error e) {
                failures.nearClearFailed(i, e);
            }
        }
    }

    /**
     * The packed {@code entry} unless it has expired: a near copy can expire before the authority's entry does
     * (a near tier with a shorter time to live), and then the read must look further down.
     */
    private Object live(Object entry) {
        return !(entry instanceof TierEntry copy)
                        || copy.expiresAt() == TierEntry.ETERNAL
                        || !copy.isExpired(clock.millis())
                ? entry
                : null;
    }
}
