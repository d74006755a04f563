package dev.terrace.jcache;

import dev.terrace.jcache.config.TerraceConfiguration;
import dev.terrace.jcache.config.TerraceSettings;
import dev.terrace.jcache.dependency.FileDependencies;
import dev.terrace.jcache.internal.Closeables;
import dev.terrace.jcache.internal.copy.Codec;
import dev.terrace.jcache.internal.copy.Copier;
import dev.terrace.jcache.internal.copy.JavaSerializer;
import dev.terrace.jcache.internal.copy.ReferenceCopier;
import dev.terrace.jcache.internal.copy.SerialFilter;
import dev.terrace.jcache.internal.copy.ValueCopier;
import dev.terrace.jcache.internal.dependency.DependencyHook;
import dev.terrace.jcache.internal.dependency.FileDependencyTracker;
import dev.terrace.jcache.internal.event.EventDispatcher;
import dev.terrace.jcache.internal.expiry.ExpiryCalculator;
import dev.terrace.jcache.internal.management.MBeans;
import dev.terrace.jcache.internal.management.TerraceCacheMXBean;
import dev.terrace.jcache.internal.management.TerraceStatistics;
import dev.terrace.jcache.internal.management.TierStatistics;
import dev.terrace.jcache.internal.spi.SharedTier;
import dev.terrace.jcache.internal.tier.TieredStore;
import dev.terrace.jcache.management.TierStatisticsMXBean;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CompletionListener;
import javax.cache.management.CacheStatisticsMXBean;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Terrace cache: the JCache API over a {@link TieredStore}. Every JCache rule (expiry policy, loader and
 * writer, listeners, statistics, entry processors, store-by-value copies, closed state) lives once, for every
 * tier stack, in this facade and the package-private classes it hands the work to: {@code Reads},
 * {@code Mutations}, {@code Invoker}, {@code ReadThrough} and {@code EntryIterator}. The facade checks the
 * arguments, times and counts each call, and owns the cache's lifecycle, configuration and MXBeans.
 */
public final class TerraceCache<K, V> implements Cache<K, V> {

    private static final Logger LOG = LoggerFactory.getLogger(TerraceCache.class);

    private final TerraceCacheManager manager;
    private final MutableConfiguration<K, V> configuration;
    private final TerraceSettings settings;
    private final CacheCore<K, V> core;
    private final TieredStore<K> store;
    private final CacheLoader<K, V> loader;
    private final CacheWriter<K, V> writer;
    private final ReadThrough<K, V> readThrough;
    private final Invoker<K, V> invoker;
    private final Reads<K, V> reads;
    private final Mutations<K, V> mutations;
    /** The file dependencies of the entries, or {@code null} when the manager does not track them. */
    private final FileDependencyTracker<K, V> dependencies;

    private final TerraceStatistics statistics = new TerraceStatistics();
    /** The MXBean names this cache claimed: the standard ones unless another manager with its URI holds them. */
    private final MBeans.Names beanNames;

    private final ObjectName configurationBeanName;
    private final ObjectName statisticsBeanName;
    private volatile boolean closed;

    TerraceCache(
            String name, TerraceCacheManager manager, MutableConfiguration<K, V> configuration, Executor executor) {
        this.manager = manager;
        this.configuration = configuration;
        // First: a wrong tier setting fails the creation before anything is opened.
        this.settings = manager.settingsFor(name, configuration);
        Clock clock = manager.settings().clock();
        JavaSerializer serializer = new JavaSerializer(manager.getClassLoader());
        SerialFilter filter =
                manager.serialFilter().withTypes(configuration.getKeyType(), configuration.getValueType());
        Copier copier = configuration.isStoreByValue()
                ? new ValueCopier(serializer, filter, configuration.getValueType())
                : ReferenceCopier.INSTANCE;
        ExpiryCalculator expiry = new ExpiryCalculator(create(configuration.getExpiryPolicyFactory()), name);
        this.loader = create(configuration.getCacheLoaderFactory());
        this.writer = writerOf(configuration);
        EventDispatcher<K, V> events = new EventDispatcher<>(this, executor);
        Codec codec = new Codec(serializer, filter);
        this.store = TierStacks.build(
                settings,
                manager::redis,
                manager.getClassLoader(),
                manager.sharedName(),
                name,
                configuration.isStoreByValue(),
                !expiry.isEternal(),
                codec,
                clock,
                new DropReporter<>(statistics, events, copier),
                (type, key, newValue, oldValue) -> {
                    // Another process changed the key: this process's listeners hear of it too.
                    if (events.hasListeners()) {
                        events.publishDetached(
                                type,
                                key,
                                newValue == null ? null : copier.fromStored(newValue),
                                oldValue == null ? null : copier.fromStored(oldValue));
                    }
                });
        if (store.authority() instanceof SharedTier<K> shared) {
            // Other processes announce the values of their changes only while listeners somewhere want them.
            events.reportInterestTo(shared::listeners);
        }
        this.dependencies = manager.settings().files().enabled()
                ? DependencyWiring.open(this, manager, name, store, codec, executor, this::core)
                : null;
        this.core = new CacheCore<>(
                name,
                store,
                copier,
                expiry,
                events,
                statistics,
                clock,
                configuration.isWriteThrough() ? writer : null,
                dependencies == null ? DependencyHook.none() : dependencies);
        this.mutations = new Mutations<>(core);
        this.readThrough = loader == null ? null : new ReadThrough<>(core, loader, executor);
        // The configuration is the cache's own copy, so whether it reads through is settled here, once.
        ReadThrough<K, V> reading = configuration.isReadThrough() ? readThrough : null;
        this.reads = new Reads<>(core, reading);
        this.invoker = new Invoker<>(core, reading != null ? reading::loadOne : null);
        this.beanNames = MBeans.claim(manager.getURI(), name, this);
        this.configurationBeanName = beanNames.of(MBeans.Kind.CONFIGURATION);
        this.statisticsBeanName = beanNames.of(MBeans.Kind.STATISTICS);
        for (CacheEntryListenerConfiguration<K, V> listener : configuration.getCacheEntryListenerConfigurations()) {
            events.register(listener);
        }
        setStatisticsEnabled(configuration.isStatisticsEnabled());
        setManagementEnabled(configuration.isManagementEnabled());
        if (dependencies != null) {
            // A file may have changed while the entries kept from an earlier run were not watched.
            dependencies.verifyAll();
        }
        if (LOG.isInfoEnabled()) {
            LOG.info(
                    "Cache {} created in {}: tiers {}, statistics {}, management {}",
                    name,
                    manager.getURI(),
                    TierDescriptions.of(store, settings),
                    configuration.isStatisticsEnabled() ? "on" : "off",
                    configuration.isManagementEnabled() ? "on" : "off");
        }
    }

    /** The core, for the dependency tracking that is built before it. */
    private CacheCore<K, V> core() {
        return core;
    }

    /**
     * The file dependencies of this cache's entries: explicit puts with dependencies, the extractor, and
     * invalidation on demand. See {@code docs/file-dependencies.md}.
     *
     * @return this cache's file dependencies
     * @throws IllegalStateException when the manager does not track file dependencies ({@code
     *     terrace.files.enabled})
     */
    public FileDependencies<K, V> dependencies() {
        requireOpen();
        if (dependencies == null) {
            throw new IllegalStateException("Cache " + core.name + " does not track file dependencies: set "
                    + dev.terrace.jcache.config.FileWatchSettings.ENABLED + "=true or "
                    + dev.terrace.jcache.config.FileWatchSettings.WATCH_PATHS + " in its cache manager's properties");
        }
        return dependencies;
    }

    @Override
    public V get(K key) {
        requireOpen();
        requireKey(key);
        long start = statistics.start();
        V value = reads.get(key);
        statistics.recordGetTime(start);
        return value;
    }

    @Override
    public Map<K, V> getAll(Set<? extends K> keys) {
        requireOpen();
        requireKeys(keys);
        long start = statistics.start();
        Map<K, V> result = reads.getAll(keys);
        statistics.recordGetTime(start);
        return result;
    }

    @Override
    public boolean containsKey(K key) {
        requireOpen();
        requireKey(key);
        return reads.containsKey(key);
    }

    @Override
    public void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener listener) {
        requireOpen();
        requireKeys(keys);
        if (readThrough == null) {
            if (listener != null) {
                listener.onCompletion();
            }
            return;
        }
        readThrough.loadAllInBackground(keys, replaceExistingValues, listener);
    }

    @Override
    public void put(K key, V value) {
        requireOpen();
        requireEntry(key, value);
        long start = statistics.start();
        Mutations.Change change = mutations.put(key, value, true, false);
        statistics.recordPuts(change.written ? 1 : 0);
        statistics.recordPutTime(start);
    }

    @Override
    public V getAndPut(K key, V value) {
        requireOpen();
        requireEntry(key, value);
        long start = statistics.start();
        Mutations.Change change = mutations.put(key, value, true, true);
        recordHit(change.previous != null);
        statistics.recordPuts(change.written ? 1 : 0);
        statistics.recordGetTime(start);
        statistics.recordPutTime(start);
        return previousValue(change);
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> map) {
        requireOpen();
        Objects.requireNonNull(map, "map");
        for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
            requireEntry(entry.getKey(), entry.getValue());
        }
        long start = statistics.start();
        Mutations.Bulk bulk = mutations.putAll(map);
        statistics.recordPuts(bulk.written());
        statistics.recordPutTime(start);
        bulk.throwWriterFailure();
    }

    @Override
    public boolean putIfAbsent(K key, V value) {
        requireOpen();
        requireEntry(key, value);
        long start = statistics.start();
        Mutations.Change change = mutations.putIfAbsent(key, value);
        recordHit(change.hadLive());
        statistics.recordPuts(change.written ? 1 : 0);
        statistics.recordPutTime(start);
        return !change.hadLive();
    }

    @Override
    public boolean remove(K key) {
        requireOpen();
        requireKey(key);
        long start = statistics.start();
        Mutations.Change change = mutations.remove(key, true, false);
        statistics.recordRemovals(change.previous != null ? 1 : 0);
        statistics.recordRemoveTime(start);
        return change.previous != null;
    }

    @Override
    public boolean remove(K key, V oldValue) {
        requireOpen();
        requireEntry(key, oldValue);
        long start = statistics.start();
        Mutations.Change change = mutations.remove(key, oldValue);
        recordHit(change.previous != null);
        statistics.recordRemovals(change.written ? 1 : 0);
        statistics.recordRemoveTime(start);
        return change.written;
    }

    @Override
    public V getAndRemove(K key) {
        requireOpen();
        requireKey(key);
        long start = statistics.start();
        Mutations.Change change = mutations.remove(key, true, true);
        recordHit(change.previous != null);
        statistics.recordRemovals(change.previous != null ? 1 : 0);
        statistics.recordGetTime(start);
        statistics.recordRemoveTime(start);
        return previousValue(change);
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        requireOpen();
        requireEntry(key, oldValue);
        Objects.requireNonNull(newValue, "newValue");
        requireValueType(newValue);
        long start = statistics.start();
        Mutations.Change change = mutations.replace(key, oldValue, newValue);
        recordHit(change.previous != null);
        statistics.recordPuts(change.written ? 1 : 0);
        statistics.recordPutTime(start);
        return change.written;
    }

    @Override
    public boolean replace(K key, V value) {
        requireOpen();
        requireEntry(key, value);
        long start = statistics.start();
        Mutations.Change change = mutations.replace(key, value, false);
        recordHit(change.written);
        statistics.recordPuts(change.written ? 1 : 0);
        statistics.recordPutTime(start);
        return change.written;
    }

    @Override
    public V getAndReplace(K key, V value) {
        requireOpen();
        requireEntry(key, value);
        long start = statistics.start();
        Mutations.Change change = mutations.replace(key, value);
        recordHit(change.written);
        statistics.recordPuts(change.written ? 1 : 0);
        statistics.recordGetTime(start);
        statistics.recordPutTime(start);
        return previousValue(change);
    }

    @Override
    public void removeAll(Set<? extends K> keys) {
        requireOpen();
        requireKeys(keys);
        removeKeys(new LinkedHashSet<>(keys));
    }

    @Override
    public void removeAll() {
        requireOpen();
        long start = statistics.start();
        Mutations.Bulk bulk = mutations.removeEvery();
        if (bulk == null) {
            removeKeys(reads.liveKeys());
            return;
        }
        statistics.recordRemovals(bulk.written());
        statistics.recordRemoveTime(start);
    }

    private void removeKeys(Set<K> keys) {
        long start = statistics.start();
        Mutations.Bulk bulk = mutations.removeAll(keys);
        statistics.recordRemovals(bulk.written());
        statistics.recordRemoveTime(start);
        bulk.throwWriterFailure();
    }

    @Override
    public void clear() {
        requireOpen();
        store.clear();
    }

    @Override
    public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
        Objects.requireNonNull(clazz, "clazz");
        if ((Class<?>) clazz == TerraceConfiguration.class
                || (configuration instanceof TerraceConfiguration
                        && clazz.isAssignableFrom(TerraceConfiguration.class))) {
            // The tier settings as the cache runs with them, wherever each came from.
            return clazz.cast(TerraceConfiguration.effective(configuration, settings));
        }
        if (clazz.isInstance(configuration)) {
            return clazz.cast(new MutableConfiguration<>(configuration));
        }
        throw new IllegalArgumentException("The configuration of a Terrace cache is a "
                + MutableConfiguration.class.getName() + ", not a " + clazz.getName());
    }

    /** The live configuration, not a copy; for the manager and the MXBean. */
    MutableConfiguration<K, V> configuration() {
        return configuration;
    }

    @Override
    public <T> T invoke(K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
        requireOpen();
        requireKey(key);
        Objects.requireNonNull(entryProcessor, "entryProcessor");
        long start = statistics.start();
        T result = invoker.invoke(key, entryProcessor, arguments);
        statistics.recordGetTime(start);
        return result;
    }

    @Override
    public <T> Map<K, EntryProcessorResult<T>> invokeAll(
            Set<? extends K> keys, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
        requireOpen();
        requireKeys(keys);
        Objects.requireNonNull(entryProcessor, "entryProcessor");
        return invoker.invokeAll(keys, entryProcessor, arguments);
    }

    @Override
    public String getName() {
        return core.name;
    }

    @Override
    public CacheManager getCacheManager() {
        return manager;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        manager.forget(this);
        if (readThrough != null) {
            readThrough.awaitBackgroundLoads(Duration.ofSeconds(30));
        }
        MBeans.unregister(configurationBeanName);
        publishStatistics(false);
        beanNames.release();
        if (dependencies != null) {
            dependencies.close();
        }
        core.events.close();
        core.expiry.close();
        Closeables.closeQuietly(loader, "the loader of cache " + core.name);
        // Closed even when the cache does not write through: the cache created it from its factory.
        Closeables.closeQuietly(writer, "the writer of cache " + core.name);
        store.close();
        LOG.debug("Cache {} closed", core.name);
    }

    /** Closes the cache and drops its data from every tier. */
    void destroy() {
        close();
        store.destroy();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        Objects.requireNonNull(clazz, "clazz");
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        if (clazz == TieredStore.class) {
            // Internal and unsupported: for Terrace's own modules, tests and benchmarks.
            return clazz.cast(store);
        }
        throw new IllegalArgumentException(
                "A Terrace cache unwraps to " + getClass().getName() + " or its supertypes, not to " + clazz.getName());
    }

    @Override
    public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        requireOpen();
        Objects.requireNonNull(listenerConfiguration, "listenerConfiguration");
        core.events.register(listenerConfiguration);
        configuration.addCacheEntryListenerConfiguration(listenerConfiguration);
    }

    @Override
    public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        requireOpen();
        Objects.requireNonNull(listenerConfiguration, "listenerConfiguration");
        core.events.deregister(listenerConfiguration);
        configuration.removeCacheEntryListenerConfiguration(listenerConfiguration);
    }

    @Override
    public Iterator<Cache.Entry<K, V>> iterator() {
        requireOpen();
        return new EntryIterator<>(this, core);
    }

    /**
     * The JCache statistics of this cache, live: the same object that is published as its statistics MXBean
     * while statistics are enabled (they count only then).
     *
     * @return a read-only view of the statistics (its {@code clear()} resets them, as through JMX)
     */
    public CacheStatisticsMXBean statistics() {
        return statistics;
    }

    /**
     * What each tier of this cache did, nearest tier first: live read-only views, the same that are published as
     * {@code TierStatistics} MXBeans while statistics are enabled (their counts run regardless).
     *
     * @return one view per tier
     */
    public List<TierStatisticsMXBean> tierStatistics() {
        List<TierStatisticsMXBean> tiers = new ArrayList<>();
        for (int i = 0; i < store.tiers().size(); i++) {
            tiers.add(new TierStatistics(store, i));
        }
        return List.copyOf(tiers);
    }

    /** The tiers of this cache, nearest first; for the JCache layer, diagnostics and tests. */
    TieredStore<K> store() {
        return store;
    }

    void setStatisticsEnabled(boolean enabled) {
        configuration.setStatisticsEnabled(enabled);
        statistics.setEnabled(enabled);
        store.counters().setTiming(enabled);
        publishStatistics(enabled);
    }

    /** Registers (or unregisters) the JCache statistics MXBean and one MXBean per tier. */
    private void publishStatistics(boolean publish) {
        if (publish) {
            MBeans.register(statistics, statisticsBeanName);
        } else {
            MBeans.unregister(statisticsBeanName);
        }
        for (TierStatisticsMXBean tier : tierStatistics()) {
            ObjectName tierName = beanNames.tier(tier.getTier());
            if (publish) {
                MBeans.register(tier, tierName);
            } else {
                MBeans.unregister(tierName);
            }
        }
    }

    void setManagementEnabled(boolean enabled) {
        configuration.setManagementEnabled(enabled);
        if (enabled) {
            MBeans.register(new TerraceCacheMXBean(configuration), configurationBeanName);
        } else {
            MBeans.unregister(configurationBeanName);
        }
    }

    private V previousValue(Mutations.Change change) {
        return change.previous == null ? null : core.valueOf(change.previous);
    }

    private void recordHit(boolean hit) {
        if (hit) {
            statistics.recordHits(1);
        } else {
            statistics.recordMisses(1);
        }
    }

    // Package-private because the entry iterator checks it at every step, not only when it is created.
    void requireOpen() {
        if (closed) {
            throw new IllegalStateException("Cache " + core.name + " is closed");
        }
    }

    private void requireKeys(Set<? extends K> keys) {
        Objects.requireNonNull(keys, "keys");
        for (K key : keys) {
            Objects.requireNonNull(key, "keys contains a null key");
            requireKeyType(key);
        }
    }

    private void requireEntry(K key, V value) {
        requireKey(key);
        Objects.requireNonNull(value, "value");
        requireValueType(value);
    }

    /** A key must not be null and must be of the configured key type, for every method that takes one. */
    private void requireKey(K key) {
        Objects.requireNonNull(key, "key");
        requireKeyType(key);
    }

    private void requireKeyType(K key) {
        Class<K> type = configuration.getKeyType();
        if (type != Object.class && !type.isInstance(key)) {
            throw new ClassCastException("Cache " + core.name + " takes keys of type " + type.getName() + ", not "
                    + key.getClass().getName());
        }
    }

    private void requireValueType(V value) {
        Class<V> type = configuration.getValueType();
        if (type != Object.class && !type.isInstance(value)) {
            throw new ClassCastException("Cache " + core.name + " takes values of type " + type.getName() + ", not "
                    + value.getClass().getName());
        }
    }

    @SuppressWarnings("unchecked")
    private static <K, V> CacheWriter<K, V> writerOf(MutableConfiguration<K, V> configuration) {
        // A writer of supertypes of K and V accepts every K and V: narrowing its type is safe.
        return (CacheWriter<K, V>) create(configuration.getCacheWriterFactory());
    }

    private static <T> T create(Factory<T> factory) {
        return factory == null ? null : factory.create();
    }
}
