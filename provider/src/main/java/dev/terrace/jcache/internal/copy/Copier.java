package dev.terrace.jcache.internal.copy;

/**
 * Turns the values and keys a caller hands to a cache into the form the cache stores, and stored values back
 * into what a caller receives. Store-by-value caches copy, store-by-reference caches share.
 */
public interface Copier {

    /** The key as the cache keeps it; a later change to the caller's object must not change the entry. */
    <K> K copyKey(K key);

    /** The value in the form the tiers store. */
    Object toStored(Object value);

    /** The value a caller receives for a stored value. */
    <V> V fromStored(Object stored);
}
