package dev.terrace.jcache.fault.store;

import dev.terrace.jcache.TerraceCachingProvider;
import java.net.URI;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.CacheManager;
import javax.cache.Caching;

/** Cache managers for the tiered-store fault tests, each under its own URI. */
final class StoreCaches {

    private static final AtomicInteger IDS = new AtomicInteger();

    private StoreCaches() {}

    /** A new manager; {@code settings} are alternating property names and values. */
    static CacheManager manager(String... settings) {
        Properties properties = new Properties();
        for (int i = 0; i < settings.length; i += 2) {
            properties.setProperty(settings[i], settings[i + 1]);
        }
        return Caching.getCachingProvider(TerraceCachingProvider.class.getName())
                .getCacheManager(
                        URI.create("terrace:fault-store-" + IDS.incrementAndGet()),
                        StoreCaches.class.getClassLoader(),
                        properties);
    }
}
