package dev.terrace.jcache.management;

/**
 * What one tier of a cache did, published per tier next to the JCache statistics while statistics are
 * enabled, as {@code dev.terrace.jcache:type=TierStatistics,CacheManager=<uri>,Cache=<name>,Tier=<n>-<tier>}.
 * Counts run from the cache's creation and are not reset by the JCache statistics' {@code clear()}, so that
 * monitoring systems can take rates of them.
 */
public interface TierStatisticsMXBean {

    /**
     * The tier's position and name, which tell the tiers of one cache apart.
     *
     * @return the position, nearest first from 0, and name ({@code heap}, {@code disk}, {@code redis})
     */
    String getTier();

    /**
     * The tier's name alone; the last tier of a cache is its authoritative tier.
     *
     * @return {@code heap}, {@code disk} or {@code redis}
     */
    String getName();

    /**
     * Reads this tier answered.
     *
     * @return the hits since the cache was created
     */
    long getHits();

    /**
     * Reads that reached this tier and that it did not answer.
     *
     * @return the misses since the cache was created
     */
    long getMisses();

    /**
     * Hits as a percentage of the reads that reached this tier.
     *
     * @return 0 to 100; 0 before the first read
     */
    float getHitPercentage();

    /**
     * Entries this tier dropped to stay within its size bound.
     *
     * @return the evictions since the cache was created; 0 for Redis, which evicts out of sight
     */
    long getEvictions();

    /**
     * Near copies of single keys this tier dropped because the entry changed elsewhere (another process, a
     * file) or left the authoritative tier.
     *
     * @return the invalidations since the cache was created; always 0 for the authoritative tier
     */
    long getInvalidations();

    /**
     * Times this tier dropped every near copy at once, after a Redis outage or a lost invalidation stream.
     *
     * @return the clears since the cache was created
     */
    long getClears();

    /**
     * Times this near tier failed on a read or a write of a copy and had that copy treated as absent (the
     * failure policy of the tiered store).
     *
     * @return the failures since the cache was created; always 0 for the authoritative tier, whose failures
     *     reach callers
     */
    long getFailures();

    /**
     * Reads of this tier that were timed: those made while statistics were enabled.
     *
     * @return the number of timed reads, the base of {@link #getAverageGetTime()}
     */
    long getTimedGets();

    /**
     * The mean time a timed read of this tier took.
     *
     * @return microseconds, as the JCache MXBean reports times; 0 before the first timed read
     */
    float getAverageGetTime();
}
