package dev.terrace.jcache;

import dev.terrace.jcache.config.ConfigLocator;
import dev.terrace.jcache.config.RedisSettings;
import dev.terrace.jcache.config.TerraceConfig;
import dev.terrace.jcache.config.TerraceConfiguration;
import dev.terrace.jcache.config.TerraceSettings;
import dev.terrace.jcache.config.TierStack;
import dev.terrace.jcache.health.TerraceHealth;
import dev.terrace.jcache.internal.copy.SerialFilter;
import dev.terrace.jcache.internal.dependency.FileWatcher;
import dev.terrace.jcache.internal.spi.RedisLink;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Terrace's cache manager: owns the caches created under one URI and class loader, and the settings (tier
 * stack, tier sizes) it gives them.
 */
public final class TerraceCacheManager implements CacheManager {

    private static final Logger LOG = LoggerFactory.getLogger(TerraceCacheManager.class);
    private static final AtomicInteger MANAGER_IDS = new AtomicInteger();

    private final TerraceCachingProvider provider;
    private final URI uri;
    private final ClassLoader classLoader;
    private final Properties properties;
    private final TerraceConfig config;
    private final TerraceSettings settings;
    private final SerialFilter serialFilter;
    private final String sharedName;
    private final ConcurrentMap<String, TerraceCache<?, ?>> caches = new ConcurrentHashMap<>();
    private final ExecutorService executor;
    private RedisLink redis;
    private FileWatcher fileWatcher;
    private volatile boolean closed;

    TerraceCacheManager(TerraceCachingProvider provider, URI uri, ClassLoader classLoader, Properties properties) {
        this.provider = provider;
        this.uri = uri;
        this.classLoader = classLoader;
        this.properties = properties;
        this.config = ConfigLocator.locate(uri, classLoader, properties);
        this.settings = config.settingsFor(null, properties);
        this.serialFilter = SerialFilter.from(serialFilterSettings());
        this.sharedName = SharedNames.of(
                uri, settingsProperty(SharedNames.PROPERTY), settingsProperty(SharedNames.APPLICATION_PROPERTY));
        this.executor = Executors.newCachedThreadPool(daemonThreads("terrace-" + MANAGER_IDS.incrementAndGet()));
        LOG.info(
                "Cache manager {} started from {}: shared as '{}', tier stack {}, heap tier of {} entries per cache{}{}",
                uri,
                config.source(),
                sharedName,
                settings.stack().id(),
                settings.heapMaxEntries(),
                settings.stack().hasDisk()
                        ? ", disk stores under " + settings.diskPath().toAbsolutePath()
                                + (settings.diskPerProcessPath()
                                        ? "/pid-" + ProcessHandle.current().pid()
                                        : "")
                        : "",
                settings.redis() != null ? ", Redis " + TierDescriptions.redis(settings.redis()) : "");
        if (!settings.files().enabled() && !settings.files().watchPaths().isEmpty()) {
            LOG.warn(
                    "Cache manager {}: watch paths {} are given but file dependencies are turned off"
                            + " (file_watching.enabled / terrace.files.enabled is false); no file is watched",
                    uri,
                    settings.files().watchPaths());
        }
        createDeclaredCaches();
    }

    /**
     * The allow-list setting as every other setting is read (properties, system property, then the YAML file's
     * {@code serialization.allow}); the filter used to see the first two only, so the file's list was ignored.
     */
    private Properties serialFilterSettings() {
        Properties filterSettings = new Properties();
        for (String name : SerialFilter.SETTINGS) {
            String value = settingsProperty(name);
            if (value != null) {
                filterSettings.setProperty(name, value);
            }
        }
        return filterSettings;
    }

    /** The caches the configuration declares exist from the start, so that Spring and Hibernate find them. */
    private void createDeclaredCaches() {
        try {
            for (String name : config.cacheNames()) {
                createCache(name, new MutableConfiguration<>());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * The settings of the cache {@code cacheName}: the configuration's for it, under the manager's properties,
     * under the tier settings that {@code configuration} makes when it is a {@link TerraceConfiguration}.
     */
    TerraceSettings settingsFor(String cacheName, Configuration<?, ?> configuration) {
        if (!(configuration instanceof TerraceConfiguration<?, ?> terrace)
                || terrace.tierProperties().isEmpty()) {
            return config.settingsFor(cacheName, properties);
        }
        Properties overrides = new Properties();
        overrides.putAll(properties);
        overrides.putAll(terrace.tierProperties());
        TerraceSettings cacheSettings;
        try {
            cacheSettings = config.settingsFor(cacheName, overrides);
        } catch (IllegalArgumentException e) {
            throw new CacheException("Invalid tier settings for cache '" + cacheName + "': " + e.getMessage(), e);
        }
        TierStack stack = cacheSettings.stack();
        String missing = !stack.hasDisk()
                        && (terrace.getDiskMaxSizeMb().isPresent()
                                || terrace.getDiskFsync().isPresent()
                                || terrace.getDiskTtl().isPresent())
                ? "diskMaxSizeMb, diskFsync and diskTtl need a disk tier"
                : !stack.hasRedis() && terrace.getRedisTtl().isPresent() ? "redisTtl needs the Redis tier" : null;
        if (missing != null) {
            throw new CacheException("Invalid tier settings for cache '" + cacheName + "': " + missing
                    + ", but its stack is " + stack.id() + "; set a stack with that tier or leave the setting out");
        }
        return cacheSettings;
    }

    private String settingsProperty(String name) {
        Object value = properties == null ? null : properties.get(name);
        if (value == null) {
            value = System.getProperty(name);
        }
        if (value == null) {
            value = config.properties(null).get(name);
        }
        return value == null ? null : value.toString();
    }

    /**
     * Where this manager's configuration came from and what it declares.
     *
     * @return the configuration the manager was started with
     */
    public TerraceConfig config() {
        return config;
    }

    /**
     * The name under which processes share this manager's caches (Redis keys, disk stores): configured, or
     * derived from the URI by {@link SharedNames}.
     */
    String sharedName() {
        return sharedName;
    }

    /** This manager's connection to Redis, opened when its first cache needs it. */
    synchronized RedisLink redis() {
        if (redis == null) {
            // The manager's own stack may have no Redis tier while some of its caches' stacks do.
            RedisSettings redisSettings =
                    settings.redis() != null ? settings.redis() : RedisSettings.from(name -> settingsProperty(name));
            redis = TierModules.redis(classLoader, settings.stack().id(), "of manager " + uri)
                    .connect(redisSettings);
        }
        return redis;
    }

    /** This manager's file watcher, started on its watch paths when its first cache tracks file dependencies. */
    synchronized FileWatcher fileWatcher() {
        if (fileWatcher == null) {
            fileWatcher = new FileWatcher(settings.files().debounce());
            settings.files().watchPaths().forEach(fileWatcher::watchTree);
        }
        return fileWatcher;
    }

    /** What values read back from disk or Redis may contain, before each cache adds its declared types. */
    SerialFilter serialFilter() {
        return serialFilter;
    }

    /**
     * Allows more classes in keys and values read back from disk or Redis, in addition to {@code
     * serialization.allow}, from now on and for every cache of this manager, also those created before: for
     * integrations that learn which classes are the application's only after the manager started (Hibernate's
     * mapped entity classes). Patterns as in {@code serialization.allow}: {@code com.example.Order}, {@code
     * com.example.*} for a package, {@code com.example.**} for a package and its subpackages.
     *
     * @param patterns the classes to allow
     * @throws IllegalArgumentException when a pattern is malformed or tries to reject
     * @throws IllegalStateException when the manager is closed
     */
    public void allowClasses(Collection<String> patterns) {
        if (closed) {
            throw new IllegalStateException("Cache manager " + uri + " is closed");
        }
        serialFilter.admit(patterns);
        LOG.debug("Cache manager {}: classes {} allowed in values read back from disk or Redis", uri, patterns);
    }

    /**
     * Whether this manager's tiers answer: DEGRADED with the reasons while its Redis is unreachable, while a
     * cache's near tier is bypassed, and for 30 seconds after a tier of a cache failed (a full or damaged disk).
     *
     * @return a snapshot taken now
     */
    public synchronized TerraceHealth health() {
        List<String> reasons = new ArrayList<>();
        if (redis != null && redis.isDown()) {
            reasons.add("Redis at " + TierDescriptions.redis(redis.settings()) + " is unreachable");
        }
        if (fileWatcher != null) {
            reasons.addAll(fileWatcher.problems());
        }
        for (TerraceCache<?, ?> cache : caches.values()) {
            if (!cache.isClosed()) {
                for (String problem : cache.store().problems()) {
                    reasons.add("Cache " + cache.getName() + ": " + problem);
                }
            }
        }
        return TerraceHealth.of(reasons);
    }

    /**
     * The settings this manager gives its caches, before each cache's own.
     *
     * @return the manager's settings
     */
    public TerraceSettings settings() {
        return settings;
    }

    @Override
    public CachingProvider getCachingProvider() {
        return provider;
    }

    @Override
    public URI getURI() {
        return uri;
    }

    @Override
    public ClassLoader getClassLoader() {
        return classLoader;
    }

    @Override
    public Properties getProperties() {
        return properties;
    }

    @Override
    public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(String cacheName, C configuration) {
        requireOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        Objects.requireNonNull(configuration, "configuration");
        MutableConfiguration<K, V> copy = copyOf(configuration);
        synchronized (caches) {
            if (caches.containsKey(cacheName)) {
                throw new CacheException("A cache named '" + cacheName + "' exists already in cache manager " + uri
                        + (config.cacheNames().contains(cacheName)
                                ? " (declared in " + config.source()
                                        + ", created when the manager started: use getCache)"
                                : ""));
            }
            TerraceCache<K, V> cache = new TerraceCache<>(cacheName, this, copy, executor);
            caches.put(cacheName, cache);
            return cache;
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
        requireOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(valueType, "valueType");
        TerraceCache<?, ?> cache = caches.get(cacheName);
        if (cache == null) {
            return null;
        }
        CompleteConfiguration<?, ?> configuration = cache.configuration();
        if (configuration.getKeyType() != keyType) {
            throw new ClassCastException("Cache '" + cacheName + "' has keys of type "
                    + configuration.getKeyType().getName() + ", not " + keyType.getName());
        }
        if (configuration.getValueType() != valueType) {
            throw new ClassCastException("Cache '" + cacheName + "' has values of type "
                    + configuration.getValueType().getName() + ", not " + valueType.getName());
        }
        return (Cache<K, V>) cache;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> Cache<K, V> getCache(String cacheName) {
        requireOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        return (Cache<K, V>) caches.get(cacheName);
    }

    @Override
    public Iterable<String> getCacheNames() {
        requireOpen();
        return Collections.unmodifiableSet(new LinkedHashSet<>(caches.keySet()));
    }

    @Override
    public void destroyCache(String cacheName) {
        requireOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        TerraceCache<?, ?> cache;
        synchronized (caches) {
            cache = caches.remove(cacheName);
        }
        if (cache != null) {
            cache.destroy();
        }
    }

    @Override
    public void enableManagement(String cacheName, boolean enabled) {
        requireOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        TerraceCache<?, ?> cache = caches.get(cacheName);
        if (cache != null) {
            cache.setManagementEnabled(enabled);
        }
    }

    @Override
    public void enableStatistics(String cacheName, boolean enabled) {
        requireOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        TerraceCache<?, ?> cache = caches.get(cacheName);
        if (cache != null) {
            cache.setStatisticsEnabled(enabled);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        synchronized (caches) {
            if (closed) {
                return;
            }
            closed = true;
            for (TerraceCache<?, ?> cache : new ArrayList<>(caches.values())) {
                try {
                    cache.close();
                } catch (RuntimeException e) {
                    LOG.warn("Closing cache {} of manager {} failed", cache.getName(), uri, e);
                }
            }
            caches.clear();
        }
        executor.shutdown();
        synchronized (this) {
            if (fileWatcher != null) {
                fileWatcher.close();
                fileWatcher = null;
            }
            if (redis != null) {
                redis.close();
                redis = null;
            }
        }
        provider.forget(this);
        LOG.info("Cache manager {} closed", uri);
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        throw new IllegalArgumentException("A Terrace cache manager unwraps to "
                + getClass().getName() + " or its supertypes, not to " + clazz.getName());
    }

    /** Called by a cache that was closed on its own, so that the manager no longer hands it out. */
    void forget(TerraceCache<?, ?> cache) {
        caches.remove(cache.getName(), cache);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("Cache manager " + uri + " is closed");
        }
    }

    @SuppressWarnings("unchecked")
    private static <K, V> MutableConfiguration<K, V> copyOf(Configuration<K, V> configuration) {
        if (configuration instanceof TerraceConfiguration<?, ?> terrace) {
            return new TerraceConfiguration<>((TerraceConfiguration<K, V>) terrace);
        }
        if (configuration instanceof CompleteConfiguration<?, ?> complete) {
            return new MutableConfiguration<>((CompleteConfiguration<K, V>) complete);
        }
        MutableConfiguration<K, V> copy = new MutableConfiguration<>();
        copy.setTypes(configuration.getKeyType(), configuration.getValueType());
        copy.setStoreByValue(configuration.isStoreByValue());
        return copy;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger ids = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + ids.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
