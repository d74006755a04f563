package dev.terrace.jcache.internal.dependency;

import java.nio.file.Path;
import java.util.Set;

/**
 * The dependencies of one cache's entries, in both directions: which entries depend on a file, which on
 * another entry, and what each entry recorded. Kept in this process ({@link LocalIndex}, persisted next to
 * the disk tier when there is one) or in Redis (the Redis tier module's index, shared by every process of the cache).
 *
 * <p>An index may name keys whose entries are gone (evicted, expired): invalidating such a key finds
 * nothing to remove, which is harmless; the index drops them as it meets them.
 */
public interface DependencyIndex<K> extends AutoCloseable {

    /** Records what the entry of {@code key} depends on, replacing what was recorded for it. */
    void record(K key, DependencyRecord<K> record);

    /** What the entry of {@code key} depends on, or {@code null} when nothing is recorded. */
    DependencyRecord<K> recordOf(K key);

    /** Drops the record of {@code key}; the entries that depend on {@code key} stay recorded. */
    void forget(K key);

    /** The keys whose entries depend on {@code file} itself. */
    Set<K> keysOn(Path file);

    /** The keys whose entries depend on a file strictly below {@code directory}. */
    Set<K> keysUnder(Path directory);

    /** The keys whose entries were derived from the entry of {@code key}. */
    Set<K> dependentsOf(K key);

    /** Drops the record of who depends on {@code key}, once they have been invalidated. */
    void forgetDependents(K key);

    /** Every key that has a record. */
    Set<K> keys();

    @Override
    void close();
}
