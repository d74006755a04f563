package dev.terrace.jcache.internal.event;

import dev.terrace.jcache.event.TerraceEntryEvent;
import dev.terrace.jcache.internal.Closeables;
import java.io.Closeable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;

/** One registered listener: its configuration, the listener and filter it created, and its per-key order. */
final class ListenerRegistration<K, V> {

    final CacheEntryListenerConfiguration<K, V> configuration;
    private final CacheEntryListener<? super K, ? super V> listener;
    private final CacheEntryEventFilter<? super K, ? super V> filter;
    /** The last event of each key not yet delivered; the next one for the key is delivered after it. */
    final ConcurrentMap<K, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

    ListenerRegistration(CacheEntryListenerConfiguration<K, V> configuration) {
        this.configuration = configuration;
        Factory<CacheEntryListener<? super K, ? super V>> listenerFactory =
                configuration.getCacheEntryListenerFactory();
        if (listenerFactory == null) {
            throw new IllegalArgumentException("A cache entry listener configuration needs a listener factory");
        }
        this.listener = listenerFactory.create();
        Factory<CacheEntryEventFilter<? super K, ? super V>> filterFactory =
                configuration.getCacheEntryEventFilterFactory();
        this.filter = filterFactory == null ? null : filterFactory.create();
    }

    boolean isSynchronous() {
        return configuration.isSynchronous();
    }

    boolean isOldValueRequired() {
        return configuration.isOldValueRequired();
    }

    /** Whether the listener implements the interface of events of {@code type}. */
    boolean handles(EventType type) {
        return switch (type) {
            case CREATED -> listener instanceof CacheEntryCreatedListener;
            case UPDATED -> listener instanceof CacheEntryUpdatedListener;
            case REMOVED -> listener instanceof CacheEntryRemovedListener;
            case EXPIRED -> listener instanceof CacheEntryExpiredListener;
        };
    }

    /** Hands {@code event} to the listener if the filter lets it through. */
    @SuppressWarnings("unchecked")
    void deliver(TerraceEntryEvent<K, V> event) {
        if (filter != null && !filter.evaluate(event)) {
            return;
        }
        List<CacheEntryEvent<? extends K, ? extends V>> events = List.of(event);
        switch (event.getEventType()) {
            case CREATED -> ((CacheEntryCreatedListener<K, V>) listener).onCreated(events);
            case UPDATED -> ((CacheEntryUpdatedListener<K, V>) listener).onUpdated(events);
            case REMOVED -> ((CacheEntryRemovedListener<K, V>) listener).onRemoved(events);
            case EXPIRED -> ((CacheEntryExpiredListener<K, V>) listener).onExpired(events);
        }
    }

    /** Closes the listener and filter if they are {@link Closeable}. */
    void close() {
        Closeables.closeQuietly(listener, "a cache entry listener");
        Closeables.closeQuietly(filter, "a cache entry event filter");
    }
}
