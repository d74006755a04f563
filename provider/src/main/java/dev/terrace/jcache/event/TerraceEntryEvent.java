package dev.terrace.jcache.event;

import javax.cache.Cache;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.EventType;

/**
 * A cache entry event as listeners receive it. For {@code REMOVED} and {@code EXPIRED} events the value is
 * the value the entry had, and only when the listener asked for old values; for {@code CREATED} and {@code
 * UPDATED} it is the new value.
 *
 * <p>A {@code REMOVED} event of an entry that Terrace invalidated on its own (a file it depends on changed, or
 * an entry it depends on went) carries the {@link InvalidationCause}: see {@link #cause()} and {@link
 * #unwrap}.
 */
public final class TerraceEntryEvent<K, V> extends CacheEntryEvent<K, V> {

    private static final long serialVersionUID = 1L;

    private final K key;
    private final transient V value;
    private final transient V oldValue;
    private final boolean oldValueAvailable;
    private final InvalidationCause cause;

    public TerraceEntryEvent(
            Cache<K, V> source,
            EventType type,
            K key,
            V value,
            V oldValue,
            boolean oldValueRequired,
            InvalidationCause cause) {
        super(source, type);
        this.key = key;
        this.cause = cause;
        boolean old = oldValueRequired && oldValue != null;
        this.oldValueAvailable = old;
        this.oldValue = old ? oldValue : null;
        if (type == EventType.REMOVED || type == EventType.EXPIRED) {
            this.value = this.oldValue;
        } else {
            this.value = value;
        }
    }

    @Override
    public K getKey() {
        return key;
    }

    @Override
    public V getValue() {
        return value;
    }

    @Override
    public V getOldValue() {
        return oldValue;
    }

    @Override
    public boolean isOldValueAvailable() {
        return oldValueAvailable;
    }

    /** Why Terrace removed the entry on its own, for a {@code REMOVED} event of an invalidation. */
    public java.util.Optional<InvalidationCause> cause() {
        return java.util.Optional.ofNullable(cause);
    }

    /**
     * This event, or, for {@link InvalidationCause} (or one of its records) and an event of an invalidation, its
     * cause.
     */
    @Override
    public <T> T unwrap(Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        if (cause != null && clazz.isInstance(cause)) {
            return clazz.cast(cause);
        }
        throw new IllegalArgumentException("A cache entry event unwraps to "
                + getClass().getName() + " or its supertypes, not to " + clazz.getName());
    }

    @Override
    public String toString() {
        return "TerraceEntryEvent{" + getEventType() + ", key=" + key + (cause == null ? "" : ", cause=" + cause) + "}";
    }
}
