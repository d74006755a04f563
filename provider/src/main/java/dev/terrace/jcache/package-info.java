/**
 * Terrace's JCache entry points: the caching provider that Caching.getCachingProvider() finds, its cache
 * manager and the cache facade. Applications normally use only the javax.cache API; unwrap a Cache to
 * TerraceCache for Terrace's own views (per-tier statistics, file dependencies, invalidation). Everything under
 * dev.terrace.jcache.internal is implementation and may change in any release.
 */
package dev.terrace.jcache;
