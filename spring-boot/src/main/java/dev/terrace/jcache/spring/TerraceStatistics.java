package dev.terrace.jcache.spring;

import dev.terrace.jcache.TerraceCacheManager;

/** Turns statistics on for every cache of a Terrace cache manager; shared by both Spring Boot lines. */
final class TerraceStatistics {

    private TerraceStatistics() {}

    static void enableAll(javax.cache.CacheManager cacheManager) {
        if (cacheManager.isClosed() || !(cacheManager instanceof TerraceCacheManager)) {
            return;
        }
        for (String name : cacheManager.getCacheNames()) {
            cacheManager.enableStatistics(name, true);
        }
    }
}
