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

    /** The entry's key. */
    private final K key;

    private final transient V value;
    private final transient V oldValue;

    /** Whether the listener asked for old values and the entry had one. */
    private final boolean oldValueAvailable;

    /** Why Terrace removed the entry on its own; {@code null} for every other event. */
    private final InvalidationCause cause;

    /**
     * An event about to be handed to the listeners of {@code source}.
     *
     * @param source the cache the entry belongs to
     * @param type what happened to the entry
     * @param key the entry's key
     * @param value the new value ({@code CREATED}, {@code UPDATED}); ignored for {@code REMOVED} and {@code EXPIRED}
     * @param oldValue the value the entry had before, or {@code null}
     * @param oldValueRequired whether the listener asked for old values; without it the old value is withheld
     * @param cause why Terrace removed the entry on its own, or {@code null}
     */
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

    /**
     * Why Terrace removed the entry on its own, for a {@code REMOVED} event of an invalidation.
     *
     * @return the cause, or empty for the events of callers' own changes and of expiry
     */
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
