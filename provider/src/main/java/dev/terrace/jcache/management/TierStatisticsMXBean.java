package dev.terrace.jcache.management;

/**
 * What one tier of a cache did, published per tier next to the JCache statistics while statistics are
 * enabled, as {@code dev.terrace.jcache:type=TierStatistics,CacheManager=<uri>,Cache=<name>,Tier=<n>-<tier>}.
 * Counts run from the cache's creation and are not reset by the JCache statistics' {@code clear()}, so that
 * monitoring systems can take rates of them.
 */
public interface TierStatisticsMXBean {

    /** The tier's name ({@code heap}, {@code disk}, {@code redis}) and position, nearest first from 0. */
    String getTier();

    /** The tier's name alone: {@code heap}, {@code disk} or {@code redis}; the last tier of a cache decides. */
    String getName();

    /** Reads this tier answered. */
    long getHits();

    /** Reads that reached this tier and that it did not answer. */
    long getMisses();

    /** Hits as a percentage of the reads that reached this tier. */
    float getHitPercentage();

    /** Entries this tier dropped to stay within its size bound (0 for Redis, which evicts out of sight). */
    long getEvictions();

    /**
     * Near copies of single keys this tier dropped because the entry changed elsewhere (another process, a
     * file) or left the authoritative tier; always 0 for the authoritative tier.
     */
    long getInvalidations();

    /** Times this tier dropped every near copy at once (after a Redis outage or a lost invalidation stream). */
    long getClears();

    /**
     * Times this near tier failed on a read or a write of a copy and had that copy treated as absent (the
     * failure policy of the tiered store); always 0 for the authoritative tier, whose failures reach callers.
     */
    long getFailures();

    /** Reads of this tier that were timed: those made while statistics were enabled. */
    long getTimedGets();

    /** The mean time a timed read of this tier took, in microseconds (as the JCache MXBean reports times). */
    float getAverageGetTime();
}
