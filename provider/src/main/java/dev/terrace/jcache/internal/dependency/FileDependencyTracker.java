package dev.terrace.jcache.internal.dependency;

import dev.terrace.jcache.config.FileWatchSettings;
import dev.terrace.jcache.dependency.DependencyExtractor;
import dev.terrace.jcache.dependency.FileDependencies;
import dev.terrace.jcache.event.InvalidationCause;
import dev.terrace.jcache.internal.copy.Codec;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import javax.cache.Cache;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file dependencies of one cache ({@link FileDependencies}, the application's view), and the hooks the
 * cache, its tiers and the file watcher call: entries stored, replaced and removed, watched paths changed, lost
 * events, retries while Redis is down.
 */
public final class FileDependencyTracker<K, V>
        implements FileDependencies<K, V>, DependencyHook<K>, FileWatcher.Listener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FileDependencyTracker.class);

    private final String cacheName;
    private final FileWatchSettings settings;
    private final FileWatcher watcher;
    private final DependencyIndex<K> index;
    private final Cache<K, V> cache;
    private final InvalidationTarget<K> target;
    private final Executor executor;
    private final boolean localIndex;
    private final ThreadLocal<Explicit<K>> explicit = new ThreadLocal<>();
    /** Invalidations that could not reach the authoritative tier (Redis down), retried each second. */
    private final Map<K, InvalidationCause> retries = new java.util.concurrent.ConcurrentHashMap<>();
    /** Changed paths whose dependents could not be looked up (Redis down), retried each second. */
    private final Map<Path, Boolean> changedPaths = new java.util.concurrent.ConcurrentHashMap<>();

    private volatile DependencyExtractor extractor = DependencyExtractor.standard();
    private volatile boolean closed;

    private FileDependencyTracker(
            String cacheName,
            FileWatchSettings settings,
            FileWatcher watcher,
            DependencyIndex<K> index,
            Cache<K, V> cache,
            InvalidationTarget<K> target,
            Executor executor) {
        this.cacheName = cacheName;
        this.settings = settings;
        this.watcher = watcher;
        this.index = index;
        this.cache = cache;
        this.target = target;
        this.executor = executor;
        this.localIndex = index instanceof LocalIndex;
    }

    /**
     * Tracking for one cache, with {@code sharedIndex} when given (kept in Redis, shared by every process),
     * else in this process, persisted to {@code journal} when given (next to the disk tier's files).
     */
    public static <K, V> FileDependencyTracker<K, V> open(
            String cacheName,
            FileWatchSettings settings,
            FileWatcher watcher,
            Codec codec,
            DependencyIndex<K> sharedIndex,
            Path journal,
            Cache<K, V> cache,
            InvalidationTarget<K> target,
            Executor executor) {
        DependencyIndex<K> index;
        if (sharedIndex != null) {
            index = sharedIndex;
        } else {
            index = new LocalIndex<>(journal == null ? null : new IndexJournal<>(journal, codec));
        }
        FileDependencyTracker<K, V> dependencies =
                new FileDependencyTracker<>(cacheName, settings, watcher, index, cache, target, executor);
        watcher.addListener(dependencies);
        return dependencies;
    }

    // ---- The application's API ----

    @Override
    public void extractWith(DependencyExtractor extractor) {
        this.extractor = Objects.requireNonNull(extractor, "extractor");
    }

    @Override
    public void put(K key, V value, Collection<Path> files) {
        put(key, value, files, List.of());
    }

    @Override
    public void put(K key, V value, Collection<Path> files, Collection<? extends K> keys) {
        Objects.requireNonNull(files, "files");
        Objects.requireNonNull(keys, "keys");
        Set<Path> paths = new HashSet<>();
        for (Path file : files) {
            paths.add(Fingerprint.normalise(Objects.requireNonNull(file, "files contains a null path")));
        }
        Set<K> onKeys = new HashSet<>();
        for (K on : keys) {
            onKeys.add(Objects.requireNonNull(on, "keys contains a null key"));
        }
        explicit.set(new Explicit<>(key, paths, onKeys));
        try {
            cache.put(key, value);
        } finally {
            explicit.remove();
        }
    }

    @Override
    public void invalidate(K key) {
        Objects.requireNonNull(key, "key");
        cascade(key, new InvalidationCause.Requested());
    }

    @Override
    public void fileChanged(Path file) {
        Objects.requireNonNull(file, "file");
        invalidateOnChange(Fingerprint.normalise(file), true);
    }

    @Override
    public Set<Path> filesOf(K key) {
        DependencyRecord<K> record = index.recordOf(Objects.requireNonNull(key, "key"));
        return record == null ? Set.of() : Set.copyOf(record.files().keySet());
    }

    @Override
    public Set<K> dependentsOf(K key) {
        return index.dependentsOf(Objects.requireNonNull(key, "key"));
    }

    @Override
    public int verifyAll() {
        int invalidated = 0;
        for (K key : index.keys()) {
            DependencyRecord<K> record = index.recordOf(key);
            if (record == null) {
                continue;
            }
            Path changed = changedFile(record);
            if (changed != null) {
                invalidated += cascade(key, new InvalidationCause.FileChanged(changed));
            } else {
                // Evicted or expired meanwhile: its record has nothing left to protect.
                target.ifAbsent(key, () -> index.forget(key));
            }
        }
        if (invalidated > 0) {
            LOG.info("Cache {}: {} entries invalidated because their files changed", cacheName, invalidated);
        }
        return invalidated;
    }

    // ---- The JCache layer's hook ----

    @Override
    public void stored(K key) {
        Explicit<K> declared = explicit.get();
        Collection<Path> extracted;
        try {
            extracted = extractor.filesOf(key);
        } catch (RuntimeException e) {
            throw new CacheException("The dependency extractor of cache " + cacheName + " failed on a key: " + e, e);
        }
        Map<Path, Fingerprint> files = new LinkedHashMap<>();
        for (Path file : extracted) {
            if (file != null) {
                files.put(Fingerprint.normalise(file), null);
            }
        }
        Set<K> onKeys = Set.of();
        if (declared != null && declared.key.equals(key)) {
            declared.files.forEach(file -> files.put(file, null));
            onKeys = declared.keys;
        }
        if (files.isEmpty() && onKeys.isEmpty()) {
            // Most keys depend on nothing: a local index drops an old record; Redis is spared a round trip.
            if (localIndex && index.recordOf(key) != null) {
                index.forget(key);
            }
            return;
        }
        files.replaceAll((file, none) -> Fingerprint.of(file, settings.contentHash()));
        index.record(key, new DependencyRecord<>(files, onKeys));
        for (Path file : files.keySet()) {
            watcher.watchFile(file);
        }
    }

    @Override
    public void replaced(K key) {
        cascadeLater(key);
    }

    @Override
    public void removed(K key) {
        index.forget(key);
        cascadeLater(key);
    }

    @Override
    public boolean stillValid(K key) {
        if (!settings.verifyOnRead()) {
            return true;
        }
        DependencyRecord<K> record = index.recordOf(key);
        if (record == null) {
            return true;
        }
        Path changed = changedFile(record);
        if (changed == null) {
            return true;
        }
        cascade(key, new InvalidationCause.FileChanged(changed));
        return false;
    }

    // ---- The watcher's events ----

    @Override
    public void changed(Path path, boolean wasDirectory) {
        if (!closed) {
            invalidateOnChangeOrRetry(path, wasDirectory);
        }
    }

    /**
     * Acts on a change; when the index cannot be read (Redis down) nothing tells which entries depend on the
     * path, so every near copy goes and the change is acted on once the index answers again.
     */
    private void invalidateOnChangeOrRetry(Path path, boolean wasDirectory) {
        try {
            invalidateOnChange(path, wasDirectory);
            changedPaths.remove(path);
        } catch (RuntimeException e) {
            if (changedPaths.put(path, wasDirectory) == null) {
                LOG.warn(
                        "Cache {}: the dependents of a changed file cannot be looked up, retrying: {}",
                        cacheName,
                        e.toString());
            }
            target.dropNearCopies();
        }
    }

    @Override
    public void tick() {
        for (Map.Entry<Path, Boolean> change : Map.copyOf(changedPaths).entrySet()) {
            if (closed) {
                return;
            }
            invalidateOnChangeOrRetry(change.getKey(), change.getValue());
        }
        for (Map.Entry<K, InvalidationCause> retry : Map.copyOf(retries).entrySet()) {
            if (closed) {
                return;
            }
            cascade(retry.getKey(), retry.getValue());
        }
    }

    @Override
    public void overflow() {
        if (!closed) {
            verifyAll();
        }
    }

    private void invalidateOnChange(Path path, boolean wasDirectory) {
        Map<K, Path> candidates = new HashMap<>();
        index.keysOn(path).forEach(key -> candidates.put(key, path));
        if (wasDirectory || localIndex) {
            index.keysUnder(path).forEach(key -> candidates.putIfAbsent(key, path));
        }
        for (Path above = path.getParent(); above != null; above = above.getParent()) {
            Path directory = above;
            index.keysOn(directory).forEach(key -> candidates.putIfAbsent(key, directory));
        }
        for (Map.Entry<K, Path> candidate : candidates.entrySet()) {
            K key = candidate.getKey();
            if (settings.contentHash() && unchanged(key, candidate.getValue())) {
                continue;
            }
            cascade(key, new InvalidationCause.FileChanged(path));
        }
    }

    /** In content-hash mode: whether {@code file}, as {@code key} depends on it, still has its recorded content. */
    private boolean unchanged(K key, Path file) {
        DependencyRecord<K> record = index.recordOf(key);
        if (record == null) {
            return false;
        }
        Fingerprint recorded = record.files().get(file);
        return recorded != null && recorded.matches(Fingerprint.of(file, true));
    }

    /** The first file of {@code record} whose fingerprint no longer matches, or {@code null}. */
    private Path changedFile(DependencyRecord<K> record) {
        for (Map.Entry<Path, Fingerprint> file : record.files().entrySet()) {
            if (!file.getValue().matches(Fingerprint.of(file.getKey(), settings.contentHash()))) {
                return file.getKey();
            }
        }
        return null;
    }

    /**
     * Invalidates {@code key} for {@code cause}, then every entry derived from it, transitively; a key met twice
     * (a cycle) is invalidated once.
     *
     * @return how many live entries were removed
     */
    private int cascade(K key, InvalidationCause cause) {
        ArrayDeque<Map.Entry<K, InvalidationCause>> queue = new ArrayDeque<>();
        queue.add(Map.entry(key, cause));
        Set<K> seen = new HashSet<>();
        int removed = 0;
        while (!queue.isEmpty()) {
            Map.Entry<K, InvalidationCause> next = queue.poll();
            K current = next.getKey();
            if (!seen.add(current)) {
                continue;
            }
            Set<K> dependents;
            try {
                if (target.invalidate(current, next.getValue(), () -> index.forget(current))) {
                    removed++;
                }
                retries.remove(current);
                dependents = index.dependentsOf(current);
                index.forgetDependents(current);
            } catch (RuntimeException e) {
                // Near copies are gone already; the authoritative copy (and the cascade) must still go.
                LOG.warn("Cache {}: an entry could not be invalidated, retrying: {}", cacheName, e.toString());
                retries.putIfAbsent(current, next.getValue());
                continue;
            }
            for (K dependent : dependents) {
                queue.add(Map.entry(dependent, new InvalidationCause.Cascade(current)));
            }
        }
        return removed;
    }

    /** After a caller's change of {@code key}: the entries derived from it go, off the caller's thread. */
    private void cascadeLater(K key) {
        if (localIndex && index.dependentsOf(key).isEmpty()) {
            return;
        }
        executor.execute(() -> {
            if (closed) {
                return;
            }
            try {
                for (K dependent : index.dependentsOf(key)) {
                    cascade(dependent, new InvalidationCause.Cascade(key));
                }
            } catch (RuntimeException e) {
                LOG.warn("Cache {}: the entries derived from a changed entry could not be invalidated", cacheName, e);
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        watcher.removeListener(this);
        index.close();
    }

    /** The dependencies given through {@link #put} for the put in progress on this thread. */
    private record Explicit<K>(K key, Set<Path> files, Set<K> keys) {}
}
