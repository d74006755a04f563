package dev.terrace.jcache.internal.tier;

import java.util.concurrent.atomic.LongAdder;

/**
 * What each tier of one {@link TieredStore} did: reads it answered and missed, near copies it dropped because
 * the entry changed elsewhere, and how long its reads took. Read by the per-tier MXBeans and metrics binders.
 *
 * <p>Counting costs one {@link LongAdder} increment per event, so hits, misses and invalidations are always
 * counted; read latency needs two clock reads per tier visited, so it is only measured while {@link
 * #setTiming timing} is on (the cache turns it on with its statistics).
 */
public final class TierCounters {

    private final LongAdder[] hits;
    private final LongAdder[] misses;
    private final LongAdder[] invalidations;
    private final LongAdder[] clears;
    private final LongAdder[] failures;
    private final LongAdder[] timedGets;
    private final LongAdder[] getNanos;
    private volatile boolean timing;

    TierCounters(int tiers) {
        this.hits = adders(tiers);
        this.misses = adders(tiers);
        this.invalidations = adders(tiers);
        this.clears = adders(tiers);
        this.failures = adders(tiers);
        this.timedGets = adders(tiers);
        this.getNanos = adders(tiers);
    }

    /** Whether read latency is measured. */
    public boolean isTiming() {
        return timing;
    }

    /** Turns the measurement of read latency on or off; counts are kept either way. */
    public void setTiming(boolean timing) {
        this.timing = timing;
    }

    /** How many reads tier {@code index} (0 = nearest) answered. */
    public long hits(int index) {
        return hits[index].sum();
    }

    /** How many reads reached tier {@code index} and found nothing there (or only an expired near copy). */
    public long misses(int index) {
        return misses[index].sum();
    }

    /**
     * How many near copies of single keys tier {@code index} was told to drop because the entry changed
     * elsewhere (another process, a file it depends on) or was dropped by the authoritative tier. Always 0 for
     * the authoritative tier, which holds no copies.
     */
    public long invalidations(int index) {
        return invalidations[index].sum();
    }

    /**
     * How many times tier {@code index} dropped all of its near copies at once because this process could not
     * tell which keys had changed elsewhere (a reconnection after an outage, a lost invalidation stream).
     */
    public long clears(int index) {
        return clears[index].sum();
    }

    /**
     * How many times tier {@code index} failed (threw) on a read or a write of a near copy, and had that copy
     * treated as absent; see the failure policy in {@link TieredStore}. Always 0 for the authoritative tier,
     * whose failures reach the caller.
     */
    public long failures(int index) {
        return failures[index].sum();
    }

    /** How many reads of tier {@code index} were timed (those made while timing was on). */
    public long timedGets(int index) {
        return timedGets[index].sum();
    }

    /** The total nanoseconds the timed reads of tier {@code index} took. */
    public long getNanos(int index) {
        return getNanos[index].sum();
    }

    /** The mean nanoseconds a timed read of tier {@code index} took, 0 before the first. */
    public double meanGetNanos(int index) {
        long count = timedGets(index);
        return count == 0 ? 0 : (double) getNanos(index) / count;
    }

    /** Reads {@code key} from {@code tier} (the entry packed, see {@link TierEntry#pack}), at {@code index}, timing the read while timing is on. */
    <K> Object timedGet(int index, Tier<K> tier, K key) {
        if (!timing) {
            return tier.getPacked(key);
        }
        long start = System.nanoTime();
        try {
            return tier.getPacked(key);
        } finally {
            recordGetTime(index, System.nanoTime() - start);
        }
    }

    void recordRead(int index, boolean hit) {
        (hit ? hits : misses)[index].increment();
    }

    void recordGetTime(int index, long nanos) {
        timedGets[index].increment();
        getNanos[index].add(nanos);
    }

    void recordInvalidation(int index) {
        invalidations[index].increment();
    }

    void recordClear(int index) {
        clears[index].increment();
    }

    /** Counts a failure of tier {@code index} and returns how many it has had. */
    long recordFailure(int index) {
        failures[index].increment();
        return failures[index].sum();
    }

    private static LongAdder[] adders(int count) {
        LongAdder[] adders = new LongAdder[count];
        for (int i = 0; i < count; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }
}
