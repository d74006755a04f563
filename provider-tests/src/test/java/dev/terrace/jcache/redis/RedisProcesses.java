package dev.terrace.jcache.redis;

import dev.terrace.jcache.TerraceCachingProvider;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * Cache managers that stand for processes sharing one Redis: each is made with a class loader of its own, so the
 * provider gives it a manager of its own (its own Redis connection, subscription and coherence log) for the same
 * URI, as another process would have. Closed together, the last made first.
 */
public final class RedisProcesses implements AutoCloseable {

    private final String address;
    private final URI uri;
    private final List<CacheManager> managers = new ArrayList<>();

    /**
     * @param address the Redis every manager connects to (a setting in {@code more} overrides it)
     * @param name the managers' URI is {@code terrace:<name>}
     */
    public RedisProcesses(String address, String name) {
        this.address = address;
        this.uri = URI.create("terrace:" + name);
    }

    /**
     * The manager of one more process, on {@code stack}, with {@code more} settings given as name, value pairs
     * after the stack and the address.
     */
    public CacheManager manager(String stack, Object... more) {
        Properties settings = new Properties();
        settings.setProperty("terrace.stack", stack);
        settings.setProperty("terrace.l3.address", address);
        for (int i = 0; i < more.length; i += 2) {
            settings.put(more[i], more[i + 1]);
        }
        ClassLoader loader = new URLClassLoader(new URL[0], RedisProcesses.class.getClassLoader());
        CacheManager manager = Caching.getCachingProvider(TerraceCachingProvider.class.getName())
                .getCacheManager(uri, loader, settings);
        managers.add(manager);
        return manager;
    }

    @Override
    public void close() {
        for (int i = managers.size() - 1; i >= 0; i--) {
            managers.get(i).close();
        }
        managers.clear();
    }
}
