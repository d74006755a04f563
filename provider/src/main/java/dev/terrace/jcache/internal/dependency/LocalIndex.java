package dev.terrace.jcache.internal.dependency;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The dependency index of a cache kept in this process. With a {@link IndexJournal} every change is appended
 * to a file before the entry it describes is stored, so the index outlives the process the way the disk tier's
 * entries do.
 */
final class LocalIndex<K> implements DependencyIndex<K> {

    private final Map<K, DependencyRecord<K>> records = new ConcurrentHashMap<>();
    /** By path text, sorted, so that the files below a directory are one range. */
    private final ConcurrentSkipListMap<String, Set<K>> byFile = new ConcurrentSkipListMap<>();

    private final Map<K, Set<K>> dependents = new ConcurrentHashMap<>();
    private final IndexJournal<K> journal;

    /** @param journal where changes are persisted, or {@code null} to keep them in memory only */
    LocalIndex(IndexJournal<K> journal) {
        this.journal = journal;
        if (journal != null) {
            journal.replay().forEach(this::apply);
            journal.compact(records);
        }
    }

    @Override
    public synchronized void record(K key, DependencyRecord<K> record) {
        if (journal != null) {
            journal.appendRecord(key, record);
        }
        apply(key, record);
        if (journal != null && journal.needsCompaction()) {
            journal.compact(records);
        }
    }

    private void apply(K key, DependencyRecord<K> record) {
        unlink(key);
        if (record == null || record.isEmpty()) {
            return;
        }
        records.put(key, record);
        for (Path file : record.files().keySet()) {
            byFile.computeIfAbsent(file.toString(), f -> ConcurrentHashMap.newKeySet())
                    .add(key);
        }
        for (K on : record.onKeys()) {
            dependents.computeIfAbsent(on, k -> ConcurrentHashMap.newKeySet()).add(key);
        }
    }

    @Override
    public DependencyRecord<K> recordOf(K key) {
        return records.get(key);
    }

    @Override
    public synchronized void forget(K key) {
        if (!records.containsKey(key)) {
            return;
        }
        if (journal != null) {
            journal.appendRecord(key, null);
        }
        unlink(key);
    }

    private void unlink(K key) {
        DependencyRecord<K> old = records.remove(key);
        if (old == null) {
            return;
        }
        for (Path file : old.files().keySet()) {
            byFile.computeIfPresent(file.toString(), (f, keys) -> {
                keys.remove(key);
                return keys.isEmpty() ? null : keys;
            });
        }
        for (K on : old.onKeys()) {
            dependents.computeIfPresent(on, (k, keys) -> {
                keys.remove(key);
                return keys.isEmpty() ? null : keys;
            });
        }
    }

    @Override
    public Set<K> keysOn(Path file) {
        Set<K> keys = byFile.get(file.toString());
        return keys == null ? Set.of() : Set.copyOf(keys);
    }

    @Override
    public Set<K> keysUnder(Path directory) {
        char separator = directory.getFileSystem().getSeparator().charAt(0);
        String text = directory.toString();
        String base = text.charAt(text.length() - 1) == separator ? text.substring(0, text.length() - 1) : text;
        // The character after the separator bounds the range: it holds exactly the paths below the directory.
        String prefix = base + separator;
        String end = base + (char) (separator + 1);
        Set<K> keys = new HashSet<>();
        byFile.subMap(prefix, true, end, false).values().forEach(keys::addAll);
        return keys;
    }

    @Override
    public Set<K> dependentsOf(K key) {
        Set<K> keys = dependents.get(key);
        return keys == null ? Set.of() : Set.copyOf(keys);
    }

    @Override
    public void forgetDependents(K key) {
        // Each dependent drops its own link when it is forgotten; nothing else is kept per key.
    }

    @Override
    public Set<K> keys() {
        return Set.copyOf(records.keySet());
    }

    @Override
    public synchronized void close() {
        if (journal != null) {
            journal.compact(records);
            journal.close();
        }
    }
}
