package dev.terrace.jcache.internal.management;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.cache.management.CacheStatisticsMXBean;

/**
 * The JCache statistics of one cache, counted only while statistics are enabled. Times are kept in
 * nanoseconds and reported as averages in microseconds, as the MXBean specifies.
 */
public final class TerraceStatistics implements CacheStatisticsMXBean {

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder puts = new LongAdder();
    private final LongAdder removals = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder getNanos = new LongAdder();
    private final LongAdder putNanos = new LongAdder();
    private final LongAdder removeNanos = new LongAdder();
    private volatile boolean enabled;

    /** Whether operations are counted. */
    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** A start time for {@link #recordGetTime}, or 0 when statistics are off (no clock read). */
    public long start() {
        return enabled ? System.nanoTime() : 0L;
    }

    public void recordHits(long count) {
        if (enabled) {
            hits.add(count);
        }
    }

    public void recordMisses(long count) {
        if (enabled) {
            misses.add(count);
        }
    }

    public void recordPuts(long count) {
        if (enabled) {
            puts.add(count);
        }
    }

    public void recordRemovals(long count) {
        if (enabled) {
            removals.add(count);
        }
    }

    /** Counted whether or not statistics are enabled, so that evictions are never lost from view. */
    public void recordEviction() {
        evictions.increment();
    }

    public void recordGetTime(long startNanos) {
        if (enabled && startNanos != 0L) {
            getNanos.add(System.nanoTime() - startNanos);
        }
    }

    public void recordPutTime(long startNanos) {
        if (enabled && startNanos != 0L) {
            putNanos.add(System.nanoTime() - startNanos);
        }
    }

    public void recordRemoveTime(long startNanos) {
        if (enabled && startNanos != 0L) {
            removeNanos.add(System.nanoTime() - startNanos);
        }
    }

    @Override
    public void clear() {
        hits.reset();
        misses.reset();
        puts.reset();
        removals.reset();
        evictions.reset();
        getNanos.reset();
        putNanos.reset();
        removeNanos.reset();
    }

    @Override
    public long getCacheHits() {
        return hits.sum();
    }

    @Override
    public float getCacheHitPercentage() {
        long gets = getCacheGets();
        return gets == 0 ? 0f : 100f * getCacheHits() / gets;
    }

    @Override
    public long getCacheMisses() {
        return misses.sum();
    }

    @Override
    public float getCacheMissPercentage() {
        long gets = getCacheGets();
        return gets == 0 ? 0f : 100f * getCacheMisses() / gets;
    }

    @Override
    public long getCacheGets() {
        return getCacheHits() + getCacheMisses();
    }

    @Override
    public long getCachePuts() {
        return puts.sum();
    }

    @Override
    public long getCacheRemovals() {
        return removals.sum();
    }

    @Override
    public long getCacheEvictions() {
        return evictions.sum();
    }

    @Override
    public float getAverageGetTime() {
        return averageMicros(getNanos.sum(), getCacheGets());
    }

    @Override
    public float getAveragePutTime() {
        return averageMicros(putNanos.sum(), getCachePuts());
    }

    @Override
    public float getAverageRemoveTime() {
        return averageMicros(removeNanos.sum(), getCacheRemovals());
    }

    private static float averageMicros(long totalNanos, long count) {
        return count == 0 ? 0f : (float) TimeUnit.NANOSECONDS.toMicros(totalNanos) / count;
    }
}
