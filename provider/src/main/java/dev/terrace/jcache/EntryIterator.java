package dev.terrace.jcache;

import dev.terrace.jcache.internal.tier.TierEntry;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import javax.cache.Cache;

/**
 * The iterator over a cache's entries. It walks the store's entries lazily, a page at a time ({@link
 * dev.terrace.jcache.internal.tier.TieredStore#entryPages}), and reads the entries of a page together only when it gets there (on Redis alone, the
 * listing and reading of a page in one round trip; with near tiers, the near copies and one read of the authority
 * for what they miss), so an entry that expired or was removed before its page was read is skipped rather than
 * returned stale; an expired entry it meets is dropped with its expiry event. Every entry it returns counts as a hit
 * and an access.
 */
final class EntryIterator<K, V> implements Iterator<Cache.Entry<K, V>> {

    /**
     * How many keys one page reads: as many as one SCAN of Redis lists ({@code RedisTier}'s scan page), so that a
     * walk costs about one read per scan, not four.
     */
    static final int PAGE = 1_000;

    private final TerraceCache<K, V> cache;
    private final CacheCore<K, V> core;
    /** The store's pages, opened at the first {@link #hasNext}. */
    private Iterator<Map<K, TierEntry>> pages;
    /** The entries of the page of keys being walked. */
    private Iterator<Map.Entry<K, TierEntry>> page = Collections.emptyIterator();

    private K nextKey;
    private TierEntry nextEntry;
    private K lastKey;

    EntryIterator(TerraceCache<K, V> cache, CacheCore<K, V> core) {
        this.cache = cache;
        this.core = core;
    }

    @Override
    public boolean hasNext() {
        cache.requireOpen();
        if (pages == null) {
            pages = core.store.entryPages(PAGE);
        }
        while (nextEntry == null && (page.hasNext() || pages.hasNext())) {
            if (!page.hasNext()) {
                page = pages.next().entrySet().iterator();
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
