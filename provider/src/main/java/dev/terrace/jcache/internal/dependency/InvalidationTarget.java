package dev.terrace.jcache.internal.dependency;

import dev.terrace.jcache.event.InvalidationCause;

/** The cache as dependency tracking sees it: what it can remove, and what it holds. */
public interface InvalidationTarget<K> {

    /**
     * Removes the entry of {@code key} from every tier through the cache's store, publishing a {@code REMOVED}
     * event with {@code cause} if it was live; neither the cache writer nor the removal statistics hear of it.
     * Runs {@code underLock} while the store holds the key.
     *
     * @return whether a live entry was removed
     */
    boolean invalidate(K key, InvalidationCause cause, Runnable underLock);

    /** Drops every near copy, when this process cannot tell which entries an invalidation concerns. */
    void dropNearCopies();

    /** Runs {@code action} while the store holds {@code key}, if the cache has no entry for it. */
    void ifAbsent(K key, Runnable action);
}
