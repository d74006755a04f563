package dev.terrace.jcache.internal.dependency;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * What one entry depends on: files with the fingerprints they had when it was stored, and other entries' keys.
 *
 * @param files normalised paths and their fingerprints
 * @param onKeys the keys of the entries this one was derived from
 */
public record DependencyRecord<K>(Map<Path, Fingerprint> files, Set<K> onKeys) {

    public DependencyRecord {
        files = Map.copyOf(files);
        onKeys = Set.copyOf(onKeys);
    }

    public boolean isEmpty() {
        return files.isEmpty() && onKeys.isEmpty();
    }
}
