package dev.terrace.jcache;

import dev.terrace.jcache.internal.tier.TierEntry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reads of one cache. A live entry is a hit and counts as an access; an expired entry is dropped with its
 * expiry event and, like an absent one, is a miss, which the loader fills when the cache reads through.
 *
 * <p>Kept apart from the facade so that this rule is written once for {@code get} and {@code getAll}. Hits
 * and misses are counted here, key by key as they are found, the way the entry processors count theirs; the
 * facade times the call.
 */
final class Reads<K, V> {

    /** How many keys a page of a walk over the cache reads at once. */
    static final int PAGE = 256;

    private final CacheCore<K, V> core;
    /** Loads what is missing, or {@code null} when the cache does not read through. */
    private final ReadThrough<K, V> readThrough;
    /** Whether the expiry policy is eternal, so that an access never changes an entry's expiry. */
    private final boolean eternal;

    Reads(CacheCore<K, V> core, ReadThrough<K, V> readThrough) {
        this.core = core;
        this.readThrough = readThrough;
        this.eternal = core.expiry.isEternal();
    }

    /** The value of {@code key}, loaded if it is missing and the cache reads through; else {@code null}. */
    V get(K key) {
        V value = cached(key);
        return value != null || readThrough == null ? value : readThrough.load(key);
    }

    /** The values of those {@code keys} the cache holds or, when it reads through, the loader finds. */
    Map<K, V> getAll(Set<? extends K> keys) {
        Map<K, V> result = new LinkedHashMap<>(Math.max(16, (int) (keys.size() / 0.75f) + 1));
        List<K> missing = new ArrayList<>();
        // One read of the store for every key: near tiers first, then the authority once for what they missed.
        Map<K, TierEntry> found = keys.size() < 2 ? null : core.store.getAll(keys);
        for (K key : keys) {
            V value = found == null ? cached(key) : cached(key, TierEntry.pack(found.get(key)));
            if (value != null) {
                result.put(key, value);
            } else {
                missing.add(key);
            }
        }
        if (readThrough != null && !missing.isEmpty()) {
            readThrough.loadAll(missing).forEach((key, value) -> {
                if (key != null && value != null) {
                    result.put(key, value);
                }
            });
        }
        return result;
    }

    /** Whether {@code key} has a live entry; neither a hit nor a miss, and not an access. */
    boolean containsKey(K key) {
        TierEntry entry = core.store.get(key);
        return entry != null && !entry.isExpired(core.clock.millis());
    }

    /** The keys that have a live entry now; the expired entries met on the way are dropped. */
    Set<K> liveKeys() {
        Set<K> keys = new LinkedHashSet<>();
        long now = core.clock.millis();
        for (Iterator<K> it = core.store.keys(); it.hasNext(); ) {
            // A page of keys read at once: the authority answers the near tiers' misses in one round trip.
            for (Map.Entry<K, TierEntry> found : core.store.getAll(page(it)).entrySet()) {
                if (!found.getValue().isExpired(now)) {
                    keys.add(found.getKey());
                } else {
                    core.expire(found.getKey());
                }
            }
        }
        return keys;
    }

    /** The next page of at most {@link #PAGE} keys of {@code keys}. */
    static <K> List<K> page(Iterator<K> keys) {
        List<K> page = new ArrayList<>(PAGE);
        while (page.size() < PAGE && keys.hasNext()) {
            page.add(keys.next());
        }
        return page;
    }

    /**
     * The value of the live entry of {@code key}, counted as a hit and an access; {@code null}, counted as a
     * miss, when there is none. A stored value is never {@code null}, so {@code null} always means a miss.
     */
    private V cached(K key) {
        return cached(key, core.store.getPacked(key));
    }

    /** Like {@link #cached(Object)}, for the entry {@code packed} ({@link TierEntry#pack}) already read. */
    private V cached(K key, Object packed) {
        if (packed == null) {
            core.statistics.recordMisses(1);
            return null;
        }
        // When neither the entry nor an access can expire, the most common hit reads no clock, and where the
        // tier holds such an entry packed it makes no entry object either.
        long expiresAt = TierEntry.expiresAt(packed);
        boolean timeless = eternal && expiresAt == TierEntry.ETERNAL;
        long now = timeless ? 0L : core.clock.millis();
        boolean expired = !timeless && now >= expiresAt;
        if (!expired && core.dependencies.stillValid(key)) {
            core.statistics.recordHits(1);
            if (!timeless) {
                core.touch(key, TierEntry.unpack(packed), now);
            }
            return core.copier.fromStored(TierEntry.storedValue(packed));
        }
        if (expired) {
            core.expire(key);
        }
        core.statistics.recordMisses(1);
        return null;
    }
}
