package dev.terrace.jcache.internal.tier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * The heap tier (L1): a Caffeine cache bounded by entry count with Caffeine's W-TinyLFU eviction.
 *
 * <p>Caffeine drops an entry a grace period after its expiry instant rather than exactly at it, so that the
 * cache layer, which checks expiry against its own clock on every read, is the one that observes the expiry
 * and emits the event synchronously with the read that saw it. Entries nobody reads are still reclaimed, one
 * grace period later, and reported to the {@link TierListener} as expired. A tier whose entries never expire
 * (an eternal expiry policy and no tier TTL) does not track expiry at all, so a hit reads no clock.
 *
 * <p>Caffeine's maintenance (applying reads to the eviction policy, evicting, reclaiming) runs on the writing
 * thread when a write triggers it, so the tier is back within its bound when the write returns, and in the
 * background when a read triggers it, so that a hit never pays for draining the read buffer.
 */
public final class HeapTier<K> implements Tier<K> {

    /** How long after its expiry instant Caffeine reclaims an entry that nobody read. */
    static final long RECLAIM_GRACE_MILLIS = 1_000;

    /** Holds each entry packed ({@link TierEntry#pack}): an eternal entry as its bare stored value. */
    private final Cache<K, Object> cache;

    private final ConcurrentMap<K, Object> map;
    private final long maxEntries;
    private final LongAdder evictions = new LongAdder();

    /**
     * @param maxEntries the most entries the tier holds before it evicts
     * @param clock the clock expiry instants are measured with
     * @param listener told about evictions and reclaimed expired entries
     */
    public HeapTier(long maxEntries, Clock clock, TierListener<K> listener) {
        this(maxEntries, Duration.ZERO, clock, listener);
    }

    /**
     * @param maxEntries the most entries the tier holds before it evicts
     * @param ttl the longest an entry stays in this tier after it was written, whatever its expiry instant says
     *     ({@link Duration#ZERO}: no limit); reported to the listener as expired when it runs out
     * @param clock the clock expiry instants are measured with
     * @param listener told about evictions and reclaimed expired entries
     */
    public HeapTier(long maxEntries, Duration ttl, Clock clock, TierListener<K> listener) {
        this(maxEntries, ttl, clock, listener, true);
    }

    /**
     * @param maxEntries the most entries the tier holds before it evicts
     * @param ttl the longest an entry stays in this tier after it was written ({@link Duration#ZERO}: no limit)
     * @param clock the clock expiry instants are measured with
     * @param listener told about evictions and reclaimed expired entries
     * @param entriesExpire whether entries may carry an expiry instant; {@code false} (and no {@code ttl}) leaves
     *     expiry untracked, and an entry that expires all the same is only dropped when read or evicted
     */
    public HeapTier(long maxEntries, Duration ttl, Clock clock, TierListener<K> listener, boolean entriesExpire) {
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("heap tier max entries must be positive, was " + maxEntries);
        }
        this.maxEntries = maxEntries;
        Caffeine<Object, Object> builder =
                Caffeine.newBuilder().maximumSize(maxEntries).executor(MAINTENANCE);
        if (entriesExpire || !(ttl.isZero() || ttl.isNegative())) {
            builder.ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                    .expireAfter(new EntryExpiry<K>(clock, ttl));
        }
        this.cache = builder.<K, Object>evictionListener((K key, Object packed, RemovalCause cause) -> {
                    if (cause == RemovalCause.SIZE) {
                        evictions.increment();
                    }
                    if (key != null && packed != null && cause.wasEvicted()) {
                        listener.onDropped(this, key, TierEntry.unpack(packed), cause == RemovalCause.EXPIRED);
                    }
                })
                .build();
        this.map = cache.asMap();
    }

    @Override
    public String name() {
        return "heap";
    }

    /** Every entry here was made by this process's cache, under its one expiry policy. */
    @Override
    public boolean takesBlindPuts() {
        return true;
    }

    /** The most entries this tier holds. */
    public long maxEntries() {
        return maxEntries;
    }

    @Override
    public long evictions() {
        return evictions.sum();
    }

    @Override
    public String location() {
        return "heap(max " + maxEntries + " entries)";
    }

    @Override
    public TierEntry get(K key) {
        return TierEntry.unpack(map.get(key));
    }

    @Override
    public Object getPacked(K key) {
        return map.get(key);
    }

    @Override
    public void put(K key, TierEntry entry) {
        Writing writing = enterWrite();
        try {
            map.put(key, TierEntry.pack(entry));
        } finally {
            leaveWrite(writing);
        }
    }

    @Override
    public void remove(K key) {
        Writing writing = enterWrite();
        try {
            map.remove(key);
        } finally {
            leaveWrite(writing);
        }
    }

    @Override
    public TierEntry compute(K key, UnaryOperator<TierEntry> remapping) {
        Writing writing = enterWrite();
        try {
            writing.remapping = remapping;
            map.compute(key, writing.mapFunction);
            // The remapping's own result, not the map's packed one unpacked again: no entry object is made.
            return writing.result;
        } finally {
            writing.remapping = null;
            writing.result = null;
            leaveWrite(writing);
        }
    }

    /** Marks this thread as writing, so that the maintenance its write triggers runs inline. */
    private static Writing enterWrite() {
        Writing writing = WRITING.get();
        writing.depth++;
        return writing;
    }

    /**
     * Ends a write begun with {@link #enterWrite}. The maintenance the write triggered is skipped when a
     * background one holds Caffeine's lock at the moment; the tier may then still be over its bound, and is
     * brought back before this returns.
     */
    private void leaveWrite(Writing writing) {
        writing.depth--;
        if (map.size() > maxEntries) {
            cache.cleanUp();
        }
    }

    /**
     * What a thread's writes to heap tiers need, allocated once per thread rather than on every write (setting
     * and removing a thread-local value would allocate its map entry each time, and an adapter from the
     * store's remapping to the map's function would be one more object per write).
     */
    private static final class Writing {
        /** Above zero while the thread writes, so the maintenance a write triggers runs inline. */
        int depth;
        /** The remapping of the compute in progress, until the map runs it. */
        UnaryOperator<TierEntry> remapping;
        /** What that remapping returned, once the map ran it. */
        TierEntry result;
        /**
         * Runs {@link #remapping}. It takes the remapping before running it, so a compute nested in it (an entry
         * processor that writes another cache) can use this object again.
         */
        final BiFunction<Object, Object, Object> mapFunction = (key, current) -> {
            UnaryOperator<TierEntry> running = remapping;
            remapping = null;
            TierEntry next = running.apply(TierEntry.unpack(current));
            // Set after the run, so a compute nested in it has left this object for good.
            result = next;
            return TierEntry.pack(next);
        };
    }

    @Override
    public Iterator<K> keys() {
        return map.keySet().iterator();
    }

    @Override
    public long size() {
        return cache.estimatedSize();
    }

    @Override
    public void clear() {
        cache.invalidateAll();
    }

    /** Runs Caffeine's pending maintenance (evictions) now. */
    public void cleanUp() {
        cache.cleanUp();
    }

    @Override
    public void close() {
        cache.invalidateAll();
        cache.cleanUp();
    }

    /** Above zero while this thread writes to a heap tier, so the maintenance the write triggers runs inline. */
    private static final ThreadLocal<Writing> WRITING = ThreadLocal.withInitial(Writing::new);

    /** Runs the maintenance a write triggers on the writing thread, and what a read triggers in the background. */
    private static final Executor MAINTENANCE = task -> {
        if (WRITING.get().depth > 0) {
            task.run();
        } else {
            ForkJoinPool.commonPool().execute(task);
        }
    };

    private static final class EntryExpiry<K> implements Expiry<K, Object> {
        private final Clock clock;
        private final long ttlNanos;

        EntryExpiry(Clock clock, Duration ttl) {
            this.clock = clock;
            this.ttlNanos = ttl.isZero() || ttl.isNegative() ? Long.MAX_VALUE : ttl.toNanos();
        }

        @Override
        public long expireAfterCreate(K key, Object entry, long currentTime) {
            return nanosUntilReclaim(entry);
        }

        @Override
        public long expireAfterUpdate(K key, Object entry, long currentTime, long currentDuration) {
            return nanosUntilReclaim(entry);
        }

        @Override
        public long expireAfterRead(K key, Object entry, long currentTime, long currentDuration) {
            return currentDuration;
        }

        private long nanosUntilReclaim(Object packed) {
            long expiresAt = TierEntry.expiresAt(packed);
            if (expiresAt == TierEntry.ETERNAL) {
                return ttlNanos;
            }
            long millis = Math.max(0, expiresAt - clock.millis()) + RECLAIM_GRACE_MILLIS;
            // The tier's own limit is exact (no grace): Caffeine hides the entry from reads once it has passed.
            return Math.min(TimeUnit.MILLISECONDS.toNanos(millis), ttlNanos);
        }
    }
}
