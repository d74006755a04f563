package dev.terrace.jcache.internal.dependency;

/**
 * What the JCache layer tells the dependency tracking of a cache as entries change. The first three are called
 * while the store holds the key (inside its atomic compute), so that what is recorded about a key always
 * matches the entry it describes.
 */
public interface DependencyHook<K> {

    /** A hook for caches without file dependencies: does nothing and finds every entry valid. */
    @SuppressWarnings("unchecked")
    static <K> DependencyHook<K> none() {
        return (DependencyHook<K>) None.INSTANCE;
    }

    /** An entry was stored for {@code key} (created or updated): records what it depends on. */
    void stored(K key);

    /** The entry of {@code key} was replaced by a caller: what was derived from it goes. */
    void replaced(K key);

    /** The entry of {@code key} was removed by a caller: its record goes, and what was derived from it. */
    void removed(K key);

    /**
     * Whether the entry of {@code key}, just read, may be served: {@code false} when its files changed since it
     * was stored, in which case it has been invalidated. Checks only when verification on read is on.
     */
    boolean stillValid(K key);

    /** The hook of caches without file dependencies. */
    enum None implements DependencyHook<Object> {
        INSTANCE;

        @Override
        public void stored(Object key) {}

        @Override
        public void replaced(Object key) {}

        @Override
        public void removed(Object key) {}

        @Override
        public boolean stillValid(Object key) {
            return true;
        }
    }
}
