package dev.terrace.jcache;

import dev.terrace.jcache.internal.spi.DiskTierModule;
import dev.terrace.jcache.internal.spi.RedisTierModule;
import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import javax.cache.CacheException;

/**
 * The tier modules on the class path. {@code terrace-jcache} holds the heap tier; the disk and Redis tiers come
 * in their own artifacts so that a heap-only application pulls neither MapDB nor Redisson. A stack that names
 * an absent tier fails at cache creation with a message naming the artifact to add.
 */
final class TierModules {

    private static final String VERSION = versionOfThisJar();

    private TierModules() {}

    /** The disk tier module, or a {@code CacheException} naming {@code terrace-disk}. */
    static DiskTierModule disk(ClassLoader loader, String stack, String cacheName) {
        return find(DiskTierModule.class, loader, "terrace-disk", "disk", stack, cacheName);
    }

    /** The Redis tier module, or a {@code CacheException} naming {@code terrace-redis}. */
    static RedisTierModule redis(ClassLoader loader, String stack, String cacheName) {
        return find(RedisTierModule.class, loader, "terrace-redis", "Redis", stack, cacheName);
    }

    private static <T> T find(
            Class<T> service, ClassLoader loader, String artifact, String tier, String stack, String cacheName) {
        // The module sits beside terrace-jcache in most applications; an application server may give it to the
        // application's class loader instead.
        T found = first(service, TierModules.class.getClassLoader());
        if (found == null && loader != null && loader != TierModules.class.getClassLoader()) {
            found = first(service, loader);
        }
        if (found == null) {
            throw new CacheException("Cache " + cacheName + " has the tier stack " + stack + ", whose " + tier
                    + " tier is in the artifact dev.terrace:" + artifact + ", which is not on the class path: add it"
                    + " (the same version as terrace-jcache" + (VERSION == null ? "" : ", " + VERSION)
                    + "), or choose a stack without the "
                    + tier + " tier");
        }
        return found;
    }

    private static <T> T first(Class<T> service, ClassLoader loader) {
        try {
            Iterator<T> modules = ServiceLoader.load(service, loader).iterator();
            return modules.hasNext() ? modules.next() : null;
        } catch (ServiceConfigurationError e) {
            throw new CacheException(
                    "The tier module for " + service.getSimpleName() + " cannot be loaded: " + e.getMessage()
                            + " (are terrace-jcache and the tier artifacts of the same version?)",
                    e);
        }
    }

    private static String versionOfThisJar() {
        return TierModules.class.getPackage().getImplementationVersion();
    }
}
