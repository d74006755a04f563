package dev.terrace.jcache.spring;

import dev.terrace.jcache.TerraceCache;
import dev.terrace.jcache.TerraceCacheManager;
import dev.terrace.jcache.health.TerraceHealth;
import dev.terrace.jcache.management.TierStatisticsMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.cache.Cache;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.management.CacheStatisticsMXBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/terrace}: per Terrace cache manager (by URI) its health and its caches, each with its JCache
 * statistics and what each of its tiers did, nearest tier first. Read-only; the figures come from the public
 * views {@link TerraceCacheManager#health()}, {@link TerraceCache#statistics()} and
 * {@link TerraceCache#tierStatistics()}. The endpoint annotations are the same on Spring Boot 3.5 and 4.
 */
@Endpoint(id = "terrace")
public class TerraceEndpoint {

    private final ObjectProvider<javax.cache.CacheManager> managers;

    /**
     * An endpoint over every cache manager the application context holds; Terrace's are listed, others skipped.
     *
     * @param managers the application's cache managers, looked up at each read
     */
    public TerraceEndpoint(ObjectProvider<javax.cache.CacheManager> managers) {
        this.managers = managers;
    }

    /**
     * A snapshot of every Terrace cache manager of the application.
     *
     * @return the managers by URI
     */
    @ReadOperation
    public TerraceDescriptor terrace() {
        Map<String, ManagerDescriptor> described = new LinkedHashMap<>();
        for (TerraceCacheManager manager : TerraceManagers.open(managers)) {
            described.put(manager.getURI().toString(), describe(manager));
        }
        return new TerraceDescriptor(described);
    }

    private static ManagerDescriptor describe(TerraceCacheManager manager) {
        TerraceHealth health = manager.health();
        Map<String, CacheDescriptor> caches = new LinkedHashMap<>();
        for (String name : manager.getCacheNames()) {
            Cache<Object, Object> cache = manager.getCache(name);
            if (cache != null && !cache.isClosed()) {
                caches.put(name, describe(cache.unwrap(TerraceCache.class)));
            }
        }
        return new ManagerDescriptor(health.status().name(), health.reasons(), caches);
    }

    private static CacheDescriptor describe(TerraceCache<?, ?> cache) {
        @SuppressWarnings("unchecked")
        CompleteConfiguration<?, ?> configuration = cache.getConfiguration(CompleteConfiguration.class);
        CacheStatisticsMXBean statistics = cache.statistics();
        List<TierDescriptor> tiers =
                cache.tierStatistics().stream().map(TerraceEndpoint::describe).toList();
        return new CacheDescriptor(
                configuration.isStatisticsEnabled(),
                statistics.getCacheGets(),
                statistics.getCacheHits(),
                statistics.getCacheMisses(),
                statistics.getCachePuts(),
                statistics.getCacheRemovals(),
                statistics.getCacheEvictions(),
                statistics.getCacheHitPercentage(),
                statistics.getAverageGetTime(),
                tiers);
    }

    private static TierDescriptor describe(TierStatisticsMXBean tier) {
        return new TierDescriptor(
                tier.getName(),
                tier.getHits(),
                tier.getMisses(),
                tier.getHitPercentage(),
                tier.getEvictions(),
                tier.getInvalidations(),
                tier.getClears(),
                tier.getFailures(),
                tier.getAverageGetTime());
    }

    /**
     * What {@code /actuator/terrace} answers.
     *
     * @param cacheManagers each Terrace cache manager by its URI
     */
    public record TerraceDescriptor(Map<String, ManagerDescriptor> cacheManagers) {}

    /**
     * One cache manager.
     *
     * @param status {@code UP} or {@code DEGRADED}, as its health indicator reports it
     * @param reasons why it is degraded; empty when up
     * @param caches its caches by name
     */
    public record ManagerDescriptor(String status, List<String> reasons, Map<String, CacheDescriptor> caches) {}

    /**
     * One cache: its JCache statistics (they count only while statistics are enabled) and its tiers.
     *
     * @param statisticsEnabled whether the JCache statistics count
     * @param gets reads
     * @param hits reads answered by the cache
     * @param misses reads the cache could not answer
     * @param puts writes
     * @param removals removals
     * @param evictions entries evicted to stay within the cache's limits
     * @param hitPercentage hits per hundred reads
     * @param averageGetTime mean read time, in microseconds
     * @param tiers what each tier did, nearest first; the last one is the authoritative tier
     */
    public record CacheDescriptor(
            boolean statisticsEnabled,
            long gets,
            long hits,
            long misses,
            long puts,
            long removals,
            long evictions,
            float hitPercentage,
            float averageGetTime,
            List<TierDescriptor> tiers) {}

    /**
     * One tier of a cache; its counts run from the cache's creation, whether or not statistics are enabled.
     *
     * @param name {@code heap}, {@code disk} or {@code redis}
     * @param hits reads this tier answered
     * @param misses reads this tier could not answer
     * @param hitPercentage hits per hundred reads of this tier
     * @param evictions entries this tier evicted
     * @param invalidations near copies dropped because another writer changed the entry
     * @param clears times this tier was cleared
     * @param failures operations on this tier that failed (an unreachable Redis, a damaged disk store)
     * @param averageGetTime mean time of a timed read of this tier, in microseconds
     */
    public record TierDescriptor(
            String name,
            long hits,
            long misses,
            float hitPercentage,
            long evictions,
            long invalidations,
            long clears,
            long failures,
            float averageGetTime) {}
}
