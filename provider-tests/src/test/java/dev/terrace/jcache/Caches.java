package dev.terrace.jcache;

import java.net.URI;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;

/** Cache managers for tests, each under its own URI so tests never share caches. */
final class Caches {

    private static final AtomicInteger IDS = new AtomicInteger();

    private Caches() {}

    static CachingProvider provider() {
        return Caching.getCachingProvider(TerraceCachingProvider.class.getName());
    }

    /** A new manager; {@code settings} are alternating property names and values (objects allowed). */
    static CacheManager manager(Object... settings) {
        Properties properties = new Properties();
        for (int i = 0; i < settings.length; i += 2) {
            properties.put(settings[i], settings[i + 1]);
        }
        URI uri = URI.create("terrace:test-" + IDS.incrementAndGet());
        return provider().getCacheManager(uri, Caches.class.getClassLoader(), properties);
    }
}
