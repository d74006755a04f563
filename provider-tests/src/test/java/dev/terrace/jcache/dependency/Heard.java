package dev.terrace.jcache.dependency;

import dev.terrace.jcache.event.InvalidationCause;
import dev.terrace.jcache.event.TerraceEntryEvent;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryRemovedListener;

/**
 * What a test's removal listener heard, as {@code key (was old) <- cause} lines; kept in a static map by
 * name so that the listener, created by the cache from its factory, and the test share it.
 */
final class Heard {

    private static final ConcurrentHashMap<String, List<String>> BY_NAME = new ConcurrentHashMap<>();

    private Heard() {}

    /** A fresh record named {@code name}. */
    static List<String> named(String name) {
        List<String> heard = new CopyOnWriteArrayList<>();
        BY_NAME.put(name, heard);
        return heard;
    }

    /** A listener configuration (old values on, asynchronous) recording removals into {@code name}. */
    static MutableCacheEntryListenerConfiguration<Object, Object> removals(String name) {
        Factory<CacheEntryListener<Object, Object>> factory = new RecorderFactory(name);
        return new MutableCacheEntryListenerConfiguration<>(factory, null, true, false);
    }

    static String describe(CacheEntryEvent<?, ?> event) {
        TerraceEntryEvent<?, ?> terrace = event.unwrap(TerraceEntryEvent.class);
        String cause = terrace.cause().map(Heard::describe).orElse("caller");
        return event.getKey() + " (was " + event.getOldValue() + ") <- " + cause;
    }

    static String describe(InvalidationCause cause) {
        if (cause instanceof InvalidationCause.FileChanged changed) {
            return "file " + changed.file().getFileName();
        }
        if (cause instanceof InvalidationCause.Cascade cascade) {
            return "cascade from " + cascade.fromKey();
        }
        return "requested";
    }

    private record RecorderFactory(String name) implements Factory<CacheEntryListener<Object, Object>>, Serializable {
        @Override
        public CacheEntryListener<Object, Object> create() {
            List<String> heard = BY_NAME.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>());
            return (CacheEntryRemovedListener<Object, Object>) events -> events.forEach(e -> heard.add(describe(e)));
        }
    }
}
