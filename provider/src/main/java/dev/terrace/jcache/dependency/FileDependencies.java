package dev.terrace.jcache.dependency;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;

/**
 * The file dependencies of one cache: what its entries were derived from, and their invalidation when that
 * changes. Reached through {@code cache.unwrap(TerraceCache.class).dependencies()} on a manager with file
 * watching on ({@code file_watching} in YAML, {@code terrace.files.enabled}).
 *
 * <p>Each time an entry is stored, the cache's {@link DependencyExtractor} names the files its key depends on
 * (and {@link #put(Object, Object, Collection, Collection)} adds files and other keys explicitly); a fingerprint
 * of each file is recorded with it. When a watched file changes, every entry that depends on it, directly or
 * through other entries, is removed from every tier (in every process that shares the cache through Redis) and
 * listeners receive {@code REMOVED} events that carry the {@link dev.terrace.jcache.event.InvalidationCause
 * cause}. Such an invalidation is not a caller's removal: the cache writer is not asked to delete anything and
 * the removal statistics do not count it.
 *
 * @param <K> the type of keys
 * @param <V> the type of values
 */
public interface FileDependencies<K, V> {

    /**
     * Uses {@code extractor} to find the files of entries stored from now on (the {@linkplain
     * DependencyExtractor#standard() standard extractor} until this is called).
     *
     * @param extractor finds the files a key depends on
     */
    void extractWith(DependencyExtractor extractor);

    /**
     * Stores {@code value} for {@code key} as {@code Cache.put} does, depending on {@code files} besides those the
     * extractor finds.
     *
     * @param key the key
     * @param value the value
     * @param files the files the entry is derived from
     */
    void put(K key, V value, Collection<Path> files);

    /**
     * Stores {@code value} for {@code key} as {@code Cache.put} does (write-through and events included),
     * depending on {@code files} besides those the extractor finds, and on the entries of {@code keys}: when any
     * of those files changes or any of those entries is invalidated, updated or removed, this entry is
     * invalidated.
     *
     * @param key the key
     * @param value the value
     * @param files the files the entry is derived from
     * @param keys the keys of the entries it is derived from
     */
    void put(K key, V value, Collection<Path> files, Collection<? extends K> keys);

    /**
     * Invalidates the entry of {@code key} and, transitively, every entry derived from it; listeners hear {@link
     * dev.terrace.jcache.event.InvalidationCause.Requested}.
     *
     * @param key the key
     */
    void invalidate(K key);

    /**
     * Invalidates every entry that depends on {@code file} (or on a directory above it), as if its watcher had
     * seen it change; for files outside the watched paths, or changes the application makes itself.
     *
     * @param file the changed file or directory
     */
    void fileChanged(Path file);

    /**
     * The files the entry of {@code key} depends on, as recorded when it was stored.
     *
     * @param key the key
     * @return the files, empty when none are recorded
     */
    Set<Path> filesOf(K key);

    /**
     * The keys of the entries recorded as derived from the entry of {@code key}.
     *
     * @param key the key
     * @return the keys, empty when none are recorded
     */
    Set<K> dependentsOf(K key);

    /**
     * Compares every recorded fingerprint with its file now and invalidates the entries whose files changed; done
     * by the cache when it starts and after the operating system lost change events.
     *
     * @return how many entries were invalidated
     */
    int verifyAll();
}
