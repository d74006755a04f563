package dev.terrace.jcache;

import dev.terrace.jcache.copy.Codec;
import dev.terrace.jcache.copy.Copier;
import dev.terrace.jcache.copy.JavaSerializer;
import dev.terrace.jcache.copy.ReferenceCopier;
import dev.terrace.jcache.copy.ValueCopier;
import dev.terrace.jcache.event.EventDispatcher;
import dev.terrace.jcache.expiry.ExpiryCalculator;
import dev.terrace.jcache.management.MBeans;
import dev.terrace.jcache.management.TerraceCacheMXBean;
import dev.terrace.jcache.management.TerraceStatistics;
import dev.terrace.jcache.tier.TierEntry;
import dev.terrace.jcache.tier.TieredStore;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
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
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Terrace cache: the JCache API over a {@link TieredStore}. Every JCache rule (expiry policy, loader and
 * writer, listeners, statistics, entry processors, store-by-value copies, closed state) lives here once, for
 * every tier stack.
 */
public final class TerraceCache<K, V> implements Cache<K, V> {

    private static final Logger LOG = LoggerFactory.getLogger(TerraceCache.class);

    private final TerraceCacheManager manager;
    private final MutableConfiguration<K, V> configuration;
    private final CacheCore<K, V> core;
    private final TieredStore<K> store;
    private final CacheLoader<K, V> loader;
    private final ReadThrough<K, V> readThrough;
    private final Invoker<K, V> invoker;
    private final TerraceStatistics statistics = new TerraceStatistics();
    private final ObjectName configurationBeanName;
    private final ObjectName statisticsBeanName;
    private volatile boolean closed;

    TerraceCache(
            String name, TerraceCacheManager manager, MutableConfiguration<K, V> configuration, Executor executor) {
        this.manager = manager;
        this.configuration = configuration;
        Clock clock = manager.settings().clock();
        JavaSerializer serializer = new JavaSerializer(manager.getClassLoader());
        Copier copier = configuration.isStoreByValue() ? new ValueCopier(serializer) : ReferenceCopier.INSTANCE;
        ExpiryCalculator expiry = new ExpiryCalculator(create(configuration.getExpiryPolicyFactory()), name);
        this.loader = create(configuration.getCacheLoaderFactory());
        CacheWriter<K, V> writer = writerOf(configuration);
        EventDispatcher<K, V> events = new EventDispatcher<>(this, executor);
        this.store = TierStacks.build(
                manager.settings(),
                manager::redis,
                manager.getURI(),
                name,
                configuration.isStoreByValue(),
                new Codec(serializer),
                clock,
                new DropReporter<>(statistics, events, copier));
        this.core = new CacheCore<>(
                name, store, copier, expiry, events, statistics, clock, configuration.isWriteThrough() ? writer : null);
        this.readThrough = loader == null ? null : new ReadThrough<>(core, loader, executor);
        this.invoker =
                new Invoker<>(core, configuration.isReadThrough() && readThrough != null ? readThrough::loadOne : null);
        this.configurationBeanName = MBeans.objectName(MBeans.Kind.CONFIGURATION, manager.getURI(), name);
        this.statisticsBeanName = MBeans.objectName(MBeans.Kind.STATISTICS, manager.getURI(), name);
        for (CacheEntryListenerConfiguration<K, V> listener : configuration.getCacheEntryListenerConfigurations()) {
            events.register(listener);
        }
        setStatisticsEnabled(configuration.isStatisticsEnabled());
        setManagementEnabled(configuration.isManagementEnabled());
        LOG.debug("Cache {} created in {}: tiers {}", name, manager.getURI(), store.tiers());
    }

    @Override
    public V get(K key) {
        requireOpen();
        Objects.requireNonNull(key, "key");
        long start = statistics.start();
        V value = getValue(key);
        statistics.recordGetTime(start);
        return value;
    }

    private V getValue(K key) {
        TierEntry entry = store.get(key);
        long now = core.clock.millis();
        if (entry != null && !entry.isExpired(now)) {
            statistics.recordHits(1);
            core.touch(key, entry, now);
            return core.valueOf(entry);
        }
        if (entry != null) {
            core.expire(key);
        }
        statistics.recordMisses(1);
        return isReadThrough() ? readThrough.load(key) : null;
    }

    @Override
    public Map<K, V> getAll(Set<? extends K> keys) {
        requireOpen();
        requireKeys(keys);
        long start = statistics.start();
        Map<K, V> result = new LinkedHashMap<>();
        List<K> missing = new ArrayList<>();
        for (K key : keys) {
            TierEntry entry = store.get(key);
            long now = core.clock.millis();
            if (entry != null && !entry.isExpired(now)) {
                statistics.recordHits(1);
                core.touch(key, entry, now);
                result.put(key, core.valueOf(entry));
            } else {
                if (entry != null) {
                    core.expire(key);
                }
                statistics.recordMisses(1);
                missing.add(key);
            }
        }
        if (isReadThrough() && !missing.isEmpty()) {
            readThrough.loadAll(missing).forEach((key, value) -> {
                if (key != null && value != null) {
                    result.put(key, value);
                }
            });
        }
        statistics.recordGetTime(start);
        return result;
    }

    @Override
    public boolean containsKey(K key) {
        requireOpen();
        Objects.requireNonNull(key, "key");
        TierEntry entry = store.get(key);
        return entry != null && !entry.isExpired(core.clock.millis());
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
        Change change = putEntry(key, value, true);
        if (change.written) {
            statistics.recordPuts(1);
        }
        statistics.recordPutTime(start);
    }

    @Override
    public V getAndPut(K key, V value) {
        requireOpen();
        requireEntry(key, value);
        long start = statistics.start();
        Change change = putEntry(key, value, true);
        recordHit(change.previous != null);
        if (change.written) {
            statistics.recordPuts(1);
        }
        statistics.recordGetTime(start);
        statistics.recordPutTime(start);
        return change.previous == null ? null : core.valueOf(change.previous);
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> map) {
        requireOpen();
        Objects.requireNonNull(map, "map");
        for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
            requireEntry(entry.getKey(), entry.getValue());
        }
        long start = statistics.start();
        Map<K, V> toStore = new LinkedHashMap<>(map);
        RuntimeException writerFailure = null;
        if (core.writer != null && !toStore.isEmpty()) {
            List<Cache.Entry<? extends K, ? extends V>> unwritten = new ArrayList<>(toStore.size());
            toStore.forEach((key, value) -> unwritten.add(new TerraceCacheEntry<>(key, value)));
            try {
                core.writer.writeAll(unwritten);
            } catch (RuntimeException e) {
                // The writer leaves in the collection the entries it did not write: only the others are cached.
                writerFailure = CacheCore.asWriterException(e);
                for (Cache.Entry<? extends K, ? extends V> failed : unwritten) {
                    toStore.remove(failed.getKey());
                }
            }
        }
        long puts = 0;
        for (Map.Entry<K, V> entry : toStore.entrySet()) {
            if (putEntry(entry.getKey(), entry.getValue(), false).written) {
                puts++;
            }
        }
        statistics.recordPuts(puts);
        statistics.recordPutTime(start);
        if (writerFailure != null) {
            throw writerFailure;
        }
    }

    @Override
    public boolean putIfAbsent(K key, V value) {
        requireOpen();
        requireEntry(key, value);
        long start = statistics.start();
        Object stored = core.copier.toStored(value);
        Change change = change(core.copier.copyKey(key), (current, now, result) -> {
            TierEntry live = core.live(key, current, now);
            result.previous = live;
            if (live != null) {
                return live;
            }
            core.writeThrough(key, value);
            TierEntry created = core.created(key, value, stored, now);
            result.written = created != null;
            return created;
        });
        recordHit(change.previous != null);
        if (change.written) {
            statistics.recordPuts(1);
        }
        statistics.recordPutTime(start);
        return change.previous == null;
    }

    @Override
    public boolean remove(K key) {
        requireOpen();
        Objects.requireNonNull(key, "key");
        long start = statistics.start();
        Change change = removeEntry(key, true);
        if (change.previous != null) {
            statistics.recordRemovals(1);
        }
        statistics.recordRemoveTime(start);
        return change.previous != null;
    }

    @Override
    public boolean remove(K key, V oldValue) {
        requireOpen();
        requireEntry(key, oldValue);
        long start = statistics.start();
        Change change = change(key, (current, now, result) -> {
            TierEntry live = core.live(key, current, now);
            result.previous = live;
            if (live == null) {
                return null;
            }
            if (!core.holds(live, oldValue)) {
                return core.accessed(live, now);
            }
            core.deleteThrough(key);
            core.removed(key, live);
            result.written = true;
            return null;
        });
        recordHit(change.previous != null);
        if (change.written) {
            statistics.recordRemovals(1);
        }
        statistics.recordRemoveTime(start);
        return change.written;
    }

    @Override
    public V getAndRemove(K key) {
        requireOpen();
        Objects.requireNonNull(key, "key");
        long start = statistics.start();
        Change change = removeEntry(key, true);
        recordHit(change.previous != null);
        if (change.previous != null) {
            statistics.recordRemovals(1);
        }
        statistics.recordGetTime(start);
        statistics.recordRemoveTime(start);
        return change.previous == null ? null : core.valueOf(change.previous);
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        requireOpen();
        requireEntry(key, oldValue);
        Objects.requireNonNull(newValue, "newValue");
        requireValueType(newValue);
        long start = statistics.start();
        Object stored = core.copier.toStored(newValue);
        Change change = change(key, (current, now, result) -> {
            TierEntry live = core.live(key, current, now);
            result.previous = live;
            if (live == null) {
                return null;
            }
            if (!core.holds(live, oldValue)) {
                return core.accessed(live, now);
            }
            core.writeThrough(key, newValue);
            result.written = true;
            return core.updated(key, live, newValue, stored, now);
        });
        recordHit(change.previous != null);
        if (change.written) {
            statistics.recordPuts(1);
        }
        statistics.recordPutTime(start);
        return change.written;
    }

    @Override
    public boolean replace(K key, V value) {
        requireOpen();
        requireEntry(key, value);
        long start = statistics.start();
        Change change = replaceEntry(key, value);
        recordHit(change.written);
        if (change.written) {
            statistics.recordPuts(1);
        }
        statistics.recordPutTime(start);
        return change.written;
    }

    @Override
    public V getAndReplace(K key, V value) {
        requireOpen();
        requireEntry(key, value);
        long start = statistics.start();
        Change change = replaceEntry(key, value);
        recordHit(change.written);
        if (change.written) {
            statistics.recordPuts(1);
        }
        statistics.recordGetTime(start);
        statistics.recordPutTime(start);
        return change.previous == null ? null : core.valueOf(change.previous);
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
        Set<K> keys = new LinkedHashSet<>();
        long now = core.clock.millis();
        for (Iterator<K> it = store.keys(); it.hasNext(); ) {
            K key = it.next();
            TierEntry entry = store.get(key);
            if (entry != null && !entry.isExpired(now)) {
                keys.add(key);
            } else if (entry != null) {
                core.expire(key);
            }
        }
        removeKeys(keys);
    }

    private void removeKeys(Set<K> keys) {
        long start = statistics.start();
        RuntimeException writerFailure = null;
        if (core.writer != null && !keys.isEmpty()) {
            Collection<K> undeleted = new ArrayList<>(keys);
            try {
                core.writer.deleteAll(undeleted);
            } catch (RuntimeException e) {
                // The writer leaves in the collection the keys it did not delete: those stay cached.
                writerFailure = CacheCore.asWriterException(e);
                keys.removeAll(undeleted);
            }
        }
        long removals = 0;
        for (K key : keys) {
            if (removeEntry(key, false).previous != null) {
                removals++;
            }
        }
        statistics.recordRemovals(removals);
        statistics.recordRemoveTime(start);
        if (writerFailure != null) {
            throw writerFailure;
        }
    }

    @Override
    public void clear() {
        requireOpen();
        store.clear();
    }

    @Override
    public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
        Objects.requireNonNull(clazz, "clazz");
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
        Objects.requireNonNull(key, "key");
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
        Map<K, EntryProcessorResult<T>> results = new HashMap<>();
        for (K key : keys) {
            try {
                T result = invoker.invoke(key, entryProcessor, arguments);
                if (result != null) {
                    results.put(key, () -> result);
                }
            } catch (RuntimeException e) {
                EntryProcessorException failure = e instanceof EntryProcessorException processorException
                        ? processorException
                        : new EntryProcessorException(e);
                results.put(key, () -> {
                    throw failure;
                });
            }
        }
        return results;
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
        MBeans.unregister(statisticsBeanName);
        core.events.close();
        core.expiry.close();
        closeQuietly(loader);
        closeQuietly(core.writer != null ? core.writer : null);
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
        return new EntryIterator();
    }

    /** The statistics of this cache, also published as its statistics MXBean when enabled. */
    public TerraceStatistics statistics() {
        return statistics;
    }

    /** The tiers of this cache, nearest first; for diagnostics and tests. */
    public TieredStore<K> tiers() {
        return store;
    }

    void setStatisticsEnabled(boolean enabled) {
        configuration.setStatisticsEnabled(enabled);
        statistics.setEnabled(enabled);
        if (enabled) {
            MBeans.register(statistics, statisticsBeanName);
        } else {
            MBeans.unregister(statisticsBeanName);
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

    private boolean isReadThrough() {
        return readThrough != null && configuration.isReadThrough();
    }

    private Change putEntry(K key, V value, boolean writeThrough) {
        Object stored = core.copier.toStored(value);
        return change(core.copier.copyKey(key), (current, now, result) -> {
            if (writeThrough) {
                core.writeThrough(key, value);
            }
            TierEntry live = core.live(key, current, now);
            result.previous = live;
            TierEntry next =
                    live == null ? core.created(key, value, stored, now) : core.updated(key, live, value, stored, now);
            result.written = next != null;
            return next;
        });
    }

    private Change replaceEntry(K key, V value) {
        Object stored = core.copier.toStored(value);
        return change(key, (current, now, result) -> {
            TierEntry live = core.live(key, current, now);
            result.previous = live;
            if (live == null) {
                return null;
            }
            core.writeThrough(key, value);
            result.written = true;
            return core.updated(key, live, value, stored, now);
        });
    }

    private Change removeEntry(K key, boolean writeThrough) {
        return change(key, (current, now, result) -> {
            if (writeThrough) {
                core.deleteThrough(key);
            }
            TierEntry live = core.live(key, current, now);
            result.previous = live;
            if (live != null) {
                core.removed(key, live);
            }
            return null;
        });
    }

    /** Runs {@code step} atomically on {@code key}, then delivers the events it published. */
    private Change change(K key, Step step) {
        Change change = new Change();
        try {
            store.compute(key, current -> step.apply(current, core.clock.millis(), change));
        } catch (RuntimeException e) {
            core.events.flushAfterFailure(e);
            throw e;
        }
        core.events.flush();
        return change;
    }

    private void recordHit(boolean hit) {
        if (hit) {
            statistics.recordHits(1);
        } else {
            statistics.recordMisses(1);
        }
    }

    private void requireOpen() {
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
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        requireKeyType(key);
        requireValueType(value);
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

    private void closeQuietly(Object resource) {
        if (resource instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("Closing {} of cache {} failed", resource.getClass().getName(), core.name, e);
            }
        }
    }

    /** One atomic step of an operation on a key. */
    @FunctionalInterface
    private interface Step {
        TierEntry apply(TierEntry current, long now, Change result);
    }

    /** What an atomic step saw and did. */
    private static final class Change {
        /** The live entry the key had before the step, or {@code null}. */
        TierEntry previous;
        /** Whether the step stored or removed an entry. */
        boolean written;
    }

    private final class EntryIterator implements Iterator<Cache.Entry<K, V>> {
        private final Iterator<K> keys = store.keys();
        private K nextKey;
        private TierEntry nextEntry;
        private K lastKey;

        @Override
        public boolean hasNext() {
            requireOpen();
            while (nextEntry == null && keys.hasNext()) {
                K key = keys.next();
                TierEntry entry = store.get(key);
                if (entry == null) {
                    continue;
                }
                if (entry.isExpired(core.clock.millis())) {
                    core.expire(key);
                    continue;
                }
                nextKey = key;
                nextEntry = entry;
            }
            return nextEntry != null;
        }

        @Override
        public Cache.Entry<K, V> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            long start = statistics.start();
            K key = nextKey;
            TierEntry entry = nextEntry;
            nextKey = null;
            nextEntry = null;
            lastKey = key;
            statistics.recordHits(1);
            core.touch(key, entry, core.clock.millis());
            V value = core.valueOf(entry);
            statistics.recordGetTime(start);
            return new TerraceCacheEntry<>(key, value);
        }

        @Override
        public void remove() {
            requireOpen();
            if (lastKey == null) {
                throw new IllegalStateException("next() has not returned an entry to remove");
            }
            K key = lastKey;
            lastKey = null;
            TerraceCache.this.remove(key);
        }
    }
}
