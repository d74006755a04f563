/**
 * Internal: how the tier modules {@code terrace-disk} and {@code terrace-redis} plug into {@code terrace-jcache}.
 * Each module registers its implementation with {@link java.util.ServiceLoader}; {@code terrace-jcache} finds
 * it when a cache's stack first names the tier, and fails that cache's creation with a {@code CacheException}
 * naming the artifact to add when it is absent. Not an API: the three artifacts are released together.
 */
package dev.terrace.jcache.internal.spi;
