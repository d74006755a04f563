package dev.terrace.examples;

import java.lang.management.ManagementFactory;
import java.net.URI;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.management.CacheStatisticsMXBean;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * A snapshot of a cache's JCache statistics, read over JMX. Every JCache provider registers a cache's
 * statistics MXBean on the platform MBean server under a name the specification fixes, once statistics are
 * enabled, so this works with any provider (and is what JConsole or VisualVM show).
 *
 * <p>With Terrace the same bean is also at hand without JMX: {@code
 * cache.unwrap(TerraceCache.class).statistics()}.
 */
public record CacheStats(
        long gets, long hits, long misses, float hitPercentage, long puts, long evictions, float averageGetMicros) {

    /** Reads the statistics of {@code cache} now. */
    public static CacheStats of(Cache<?, ?> cache) {
        ObjectName name = objectName(cache);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        if (!server.isRegistered(name)) {
            throw new IllegalStateException("No MBean " + name + ": are statistics enabled on the cache?");
        }
        CacheStatisticsMXBean bean = JMX.newMXBeanProxy(server, name, CacheStatisticsMXBean.class);
        return new CacheStats(
                bean.getCacheGets(),
                bean.getCacheHits(),
                bean.getCacheMisses(),
                bean.getCacheHitPercentage(),
                bean.getCachePuts(),
                bean.getCacheEvictions(),
                bean.getAverageGetTime());
    }

    /** The name of the statistics MXBean of {@code cache}. */
    public static ObjectName objectName(Cache<?, ?> cache) {
        return objectName(cache.getCacheManager().getURI(), cache.getName());
    }

    /**
     * {@code javax.cache:type=CacheStatistics,CacheManager=<uri>,Cache=<name>}, with {@code , : =} turned into
     * dots; a {@code cacheName} of {@code *} makes a pattern matching every cache of the manager.
     */
    public static ObjectName objectName(URI managerUri, String cacheName) {
        try {
            return new ObjectName("javax.cache:type=CacheStatistics,CacheManager=" + jmxSafe(managerUri.toString())
                    + ",Cache=" + jmxSafe(cacheName));
        } catch (MalformedObjectNameException e) {
            throw new CacheException("Cannot name the statistics MBean of cache " + cacheName, e);
        }
    }

    private static String jmxSafe(String value) {
        return value.replaceAll("[,:=\n]", ".");
    }
}
