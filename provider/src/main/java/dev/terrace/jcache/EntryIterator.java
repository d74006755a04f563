package dev.terrace.jcache;

import dev.terrace.jcache.internal.tier.TierEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import javax.cache.Cache;

/**
 * The iterator over a cache's entries. It walks the store's keys lazily, a page at a time, and reads the
 * entries of a page together only when it gets there (one round trip to Redis per page, not per entry), so an
 * entry that expired or was removed before its page was read is skipped rather than returned stale; an expired
 * entry it meets is dropped with its expiry event. Every entry it returns counts as a hit and an access.
 */
final class EntryIterator<K, V> implements Iterator<Cache.Entry<K, V>> {

    /**
     * How many keys one page reads: as many as one SCAN of Redis lists ({@code RedisTier}'s scan page), so that a
     * walk costs about one read per scan, not four.
     */
    static final int PAGE = 1_000;

    private final TerraceCache<K, V> cache;
    private final CacheCore<K, V> core;
    private final Iterator<K> keys;
    /** The entries of the page of keys being walked. */
    private Iterator<Map.Entry<K, TierEntry>> page = Collections.emptyIterator();

    private K nextKey;
    private TierEntry nextEntry;
    private K lastKey;

    EntryIterator(TerraceCache<K, V> cache, CacheCore<K, V> core) {
        this.cache = cache;
        this.core = core;
        this.keys = core.store.keys();
    }

    @Override
    public boolean hasNext() {
        cache.requireOpen();
        while (nextEntry == null && (page.hasNext() || keys.hasNext())) {
            if (!page.hasNext()) {
                // The entries of a page of keys are read at once: the authority answers the near tiers' misses in
                // one round trip instead of one per entry.
                page = core.store.getAll(page(keys)).entrySet().iterator();
                continue;
            }
            Map.Entry<K, TierEntry> found = page.next();
            K key = found.getKey();
            TierEntry entry = found.getValue();
            if (entry.isExpired(core.clock.millis())) {
                core.expire(key);
                continue;
            }
            nextKey = key;
            nextEntry = entry;
        }
        return nextEntry != null;
    }

    /** The next page of at most {@link #PAGE} keys of {@code keys}. */
    private static <K> List<K> page(Iterator<K> keys) {
        List<K> page = new ArrayList<>(PAGE);
        while (page.size() < PAGE && keys.hasNext()) {
            page.add(keys.next());
        }
        return page;
    }

    @Override
    public Cache.Entry<K, V> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        long start = core.statistics.start();
        K key = nextKey;
        TierEntry entry = nextEntry;
        nextKey = null;
        nextEntry = null;
        lastKey = key;
        core.statistics.recordHits(1);
        core.touch(key, entry, core.clock.millis());
        V value = core.valueOf(entry);
        core.statistics.recordGetTime(start);
        return new TerraceCacheEntry<>(key, value);
    }

    @Override
    public void remove() {
        cache.requireOpen();
        if (lastKey == null) {
            throw new IllegalStateException("next() has not returned an entry to remove");
        }
        K key = lastKey;
        lastKey = null;
        // Through the cache, so the removal is written through, counted and published like any other.
        cache.remove(key);
    }
}
