package dev.terrace.jcache.management;

/**
 * What one tier of a cache answered, published per tier next to the JCache statistics while statistics are
 * enabled, as {@code dev.terrace.jcache:type=TierStatistics,CacheManager=<uri>,Cache=<name>,Tier=<n>-<tier>}.
 */
public interface TierStatisticsMXBean {

    /** The tier's name ({@code heap}, {@code disk}, {@code redis}) and position, nearest first from 0. */
    String getTier();

    /** Reads this tier answered. */
    long getHits();

    /** Reads that reached this tier and that it did not answer. */
    long getMisses();

    /** Hits as a percentage of the reads that reached this tier. */
    float getHitPercentage();
}
