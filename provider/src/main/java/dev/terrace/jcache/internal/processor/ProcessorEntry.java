package dev.terrace.jcache.internal.processor;

import java.util.function.Function;
import javax.cache.processor.MutableEntry;

/**
 * The entry an {@link javax.cache.processor.EntryProcessor} works on. It records what the processor did, and
 * the cache applies the net effect once the processor returns: a value set on a missing entry creates it, a
 * value set on an existing entry updates it, a removal of an entry created in the same call leaves nothing,
 * and a read of a missing entry may load it when the cache reads through.
 */
public final class ProcessorEntry<K, V> implements MutableEntry<K, V> {

    /** The net effect of a processor on its entry. */
    public enum Action {
        /** Nothing changed; the entry may have been read. */
        NONE,
        /** The entry was missing and a read loaded it through the cache loader. */
        LOADED,
        /** The entry was missing and the processor set a value. */
        CREATED,
        /** The entry existed and the processor set a value. */
        UPDATED,
        /**
         * The processor removed the entry, which existed before the call or did not exist at all (a removal
         * is written through either way, as {@code Cache.remove} is).
         */
        REMOVED
    }

    private final K key;
    private final V original;
    private final Function<K, V> loader;
    private V value;
    private Action action = Action.NONE;
    private boolean accessed;

    /**
     * @param original the current value, or {@code null} when the entry does not exist
     * @param loader loads a missing value on {@link #getValue()}, or {@code null} when the cache does not read
     *     through
     */
    public ProcessorEntry(K key, V original, Function<K, V> loader) {
        this.key = key;
        this.original = original;
        this.value = original;
        this.loader = loader;
    }

    @Override
    public K getKey() {
        return key;
    }

    @Override
    public V getValue() {
        if (action == Action.NONE) {
            if (original != null) {
                accessed = true;
            } else if (loader != null) {
                V loaded = loader.apply(key);
                if (loaded != null) {
                    value = loaded;
                    action = Action.LOADED;
                }
            }
        }
        return value;
    }

    @Override
    public boolean exists() {
        return value != null;
    }

    @Override
    public void remove() {
        value = null;
        // Removing what this call created or loaded leaves nothing to do; anything else is a removal.
        action = (action == Action.CREATED || action == Action.LOADED) ? Action.NONE : Action.REMOVED;
        accessed = false;
    }

    @Override
    public void setValue(V newValue) {
        if (newValue == null) {
            throw new NullPointerException("An entry processor cannot set a null value; use remove()");
        }
        value = newValue;
        action = (original == null) ? Action.CREATED : Action.UPDATED;
    }

    /** What the processor did, in net. */
    public Action action() {
        return action;
    }

    /** Whether the processor read an existing value without changing it. */
    public boolean wasAccessed() {
        return accessed && action == Action.NONE;
    }

    /** The value the entry has now. */
    public V value() {
        return value;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        throw new IllegalArgumentException(
                "A mutable entry unwraps to " + getClass().getName() + " or its supertypes, not to " + clazz.getName());
    }
}
