package dev.terrace.jcache;

import java.util.Map;
import javax.cache.Cache;

/** A key and value of a Terrace cache, as iteration and cache writers see them. */
public final class TerraceCacheEntry<K, V> implements Cache.Entry<K, V> {

    private final K key;
    private final V value;

    TerraceCacheEntry(K key, V value) {
        this.key = key;
        this.value = value;
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
    public <T> T unwrap(Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        throw new IllegalArgumentException(
                "A cache entry unwraps to " + getClass().getName() + " or its supertypes, not to " + clazz.getName());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TerraceCacheEntry<?, ?> that
                && key.equals(that.key)
                && java.util.Objects.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return key.hashCode() ^ java.util.Objects.hashCode(value);
    }

    @Override
    public String toString() {
        return Map.entry(key, String.valueOf(value)).toString();
    }
}
