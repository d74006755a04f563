package dev.terrace.examples.toolcache;

import dev.terrace.jcache.event.InvalidationCause;
import dev.terrace.jcache.event.TerraceEntryEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the results the namespaces' caches dropped (removed or expired) and why, through standard JCache
 * listeners. Terrace's own removals unwrap to an {@link InvalidationCause}: a file changed, an entry it was
 * derived from went, or the application asked.
 */
public final class CacheEvents {

    private static final Logger LOG = LoggerFactory.getLogger(CacheEvents.class);

    private final List<Event> events = new CopyOnWriteArrayList<>();

    /**
     * One dropped result.
     *
     * @param namespace the namespace it was cached in
     * @param type {@code REMOVED} or {@code EXPIRED}
     * @param key the call's key
     * @param cause why Terrace removed it, or {@code null} for a caller's removal or one made in another process
     *     (remote events carry no cause)
     */
    public record Event(Namespace namespace, EventType type, Object key, InvalidationCause cause) {

        /** The event as one line of text. */
        public String describe() {
            String why;
            if (type == EventType.EXPIRED) {
                why = "its time to live ran out";
            } else if (cause instanceof InvalidationCause.FileChanged changed) {
                why = "file changed: " + changed.file();
            } else if (cause instanceof InvalidationCause.Cascade cascade) {
                why = "derived from " + cascade.fromKey() + ", which went";
            } else if (cause instanceof InvalidationCause.Requested) {
                why = "invalidation requested";
            } else {
                why = "no cause attached (a caller's removal, or a removal made in another process)";
            }
            return type + " " + namespace + " " + key + ": " + why;
        }
    }

    void listenTo(Namespace namespace, Cache<Object, Object> cache) {
        CacheEntryListener<Object, Object> listener = new Listener(namespace);
        cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
                new FactoryBuilder.SingletonFactory<>(listener), null, false, false));
    }

    List<Event> all() {
        return List.copyOf(events);
    }

    private final class Listener
            implements CacheEntryRemovedListener<Object, Object>, CacheEntryExpiredListener<Object, Object> {

        private final Namespace namespace;

        Listener(Namespace namespace) {
            this.namespace = namespace;
        }

        @Override
        public void onRemoved(Iterable<CacheEntryEvent<?, ?>> removed) {
            removed.forEach(this::record);
        }

        @Override
        public void onExpired(Iterable<CacheEntryEvent<?, ?>> expired) {
            expired.forEach(this::record);
        }

        private void record(CacheEntryEvent<?, ?> event) {
            InvalidationCause cause = event instanceof TerraceEntryEvent<?, ?> terrace
                    ? terrace.cause().orElse(null)
                    : null;
            Event recorded = new Event(namespace, event.getEventType(), event.getKey(), cause);
            events.add(recorded);
            LOG.info("{}", recorded.describe());
        }
    }
}
