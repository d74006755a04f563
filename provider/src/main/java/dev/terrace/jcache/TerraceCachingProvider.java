package dev.terrace.jcache;

import dev.terrace.jcache.config.TerraceConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.WeakHashMap;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;

/**
 * Terrace's JCache provider. Registered as a service, so {@code Caching.getCachingProvider()} returns it when
 * it is the only provider on the class path, and {@code
 * Caching.getCachingProvider("dev.terrace.jcache.TerraceCachingProvider")} always does.
 *
 * <p>It keeps one {@link TerraceCacheManager} per class loader and URI until that manager is closed. A manager
 * reads its configuration (a Terrace YAML file) from the place its URI names, or {@code terrace.yaml} on the
 * class path: see {@link dev.terrace.jcache.config.ConfigLocator}.
 */
public final class TerraceCachingProvider implements CachingProvider {

    /** The URI of the default cache manager. */
    public static final URI DEFAULT_URI = URI.create("terrace:default");

    private final Map<ClassLoader, Map<URI, TerraceCacheManager>> managers = new WeakHashMap<>();

    @Override
    public CacheManager getCacheManager(URI uri, ClassLoader classLoader, Properties properties) {
        URI managerUri = uri == null ? getDefaultURI() : uri;
        ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
        Properties managerProperties = properties == null ? getDefaultProperties() : properties;
        synchronized (managers) {
            Map<URI, TerraceCacheManager> byUri = managers.computeIfAbsent(loader, l -> new HashMap<>());
            TerraceCacheManager manager = byUri.get(managerUri);
            if (manager == null || manager.isClosed()) {
                manager = new TerraceCacheManager(this, managerUri, loader, managerProperties);
                byUri.put(managerUri, manager);
            }
            return manager;
        }
    }

    /**
     * The cache manager for {@code uri} and {@code classLoader}, configured by {@code config} (built with {@link
     * TerraceConfig#builder()} or read with {@link TerraceConfig#load}). Like the properties of {@link
     * #getCacheManager(URI, ClassLoader, Properties)}, {@code config} only counts when this call creates the
     * manager; while one is open for the URI and class loader, that one is returned as it is.
     *
     * @param uri the manager's URI, which names it
     * @param classLoader the class loader of the manager's caches
     * @param config the configuration the manager starts with
     * @return the open manager for {@code uri} and {@code classLoader}
     */
    public CacheManager getCacheManager(URI uri, ClassLoader classLoader, TerraceConfig config) {
        Properties properties = new Properties();
        properties.put(TerraceConfig.PROPERTY, Objects.requireNonNull(config, "config"));
        return getCacheManager(uri, classLoader, properties);
    }

    @Override
    public CacheManager getCacheManager(URI uri, ClassLoader classLoader) {
        return getCacheManager(uri, classLoader, getDefaultProperties());
    }

    @Override
    public CacheManager getCacheManager() {
        return getCacheManager(getDefaultURI(), getDefaultClassLoader(), getDefaultProperties());
    }

    @Override
    public ClassLoader getDefaultClassLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : TerraceCachingProvider.class.getClassLoader();
    }

    @Override
    public URI getDefaultURI() {
        return DEFAULT_URI;
    }

    @Override
    public Properties getDefaultProperties() {
        return new Properties();
    }

    @Override
    public void close() {
        List<TerraceCacheManager> toClose = new ArrayList<>();
        synchronized (managers) {
            for (Map<URI, TerraceCacheManager> byUri : managers.values()) {
                toClose.addAll(byUri.values());
            }
            managers.clear();
        }
        toClose.forEach(TerraceCacheManager::close);
    }

    @Override
    public void close(ClassLoader classLoader) {
        ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
        Map<URI, TerraceCacheManager> byUri;
        synchronized (managers) {
            byUri = managers.remove(loader);
        }
        if (byUri != null) {
            new ArrayList<>(byUri.values()).forEach(TerraceCacheManager::close);
        }
    }

    @Override
    public void close(URI uri, ClassLoader classLoader) {
        URI managerUri = uri == null ? getDefaultURI() : uri;
        ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
        TerraceCacheManager manager;
        synchronized (managers) {
            Map<URI, TerraceCacheManager> byUri = managers.get(loader);
            manager = byUri == null ? null : byUri.remove(managerUri);
            if (byUri != null && byUri.isEmpty()) {
                managers.remove(loader);
            }
        }
        if (manager != null) {
            manager.close();
        }
    }

    @Override
    public boolean isSupported(OptionalFeature optionalFeature) {
        return optionalFeature == OptionalFeature.STORE_BY_REFERENCE;
    }

    /** Called by a manager that was closed, so that the next request for its URI creates a new one. */
    void forget(TerraceCacheManager manager) {
        synchronized (managers) {
            Map<URI, TerraceCacheManager> byUri = managers.get(manager.getClassLoader());
            if (byUri != null && byUri.get(manager.getURI()) == manager) {
                byUri.remove(manager.getURI());
                if (byUri.isEmpty()) {
                    managers.remove(manager.getClassLoader());
                }
            }
        }
    }
}
