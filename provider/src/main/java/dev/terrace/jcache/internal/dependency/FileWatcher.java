package dev.terrace.jcache.internal.dependency;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches files for a cache manager with the JDK {@link WatchService} and tells its listeners, once per burst,
 * which paths changed.
 *
 * <p>The JDK service watches single directories, so the watcher registers every directory of a watched tree
 * itself, and each directory created inside one as it appears (reporting the files already in it, which may
 * have been written before it was registered). A path is reported once it has been quiet for the debounce
 * time, or at the latest five debounce times after its first event, so that a file written continuously is
 * still acted on. Modification, attribute change (a touch), deletion, a rename away and a creation or rename
 * over the path all count as a change. When the operating system drops events ({@code OVERFLOW}) listeners
 * are told to recheck everything rather than trust the events.
 */
public final class FileWatcher implements AutoCloseable {

    /** Told about changes, on the watcher's thread. */
    public interface Listener {
        /**
         * {@code path} (absolute, normalised) changed. {@code wasDirectory} when it is, or was until it was
         * deleted, a watched directory, in which case everything below it may have changed too.
         */
        void changed(Path path, boolean wasDirectory);

        /** Events were lost: any watched file may have changed. */
        void overflow();

        /** Called about once a second, for work to retry. */
        default void tick() {}
    }

    private static final Logger LOG = LoggerFactory.getLogger(FileWatcher.class);
    private static final int MAX_DELAY_FACTOR = 5;

    private final WatchService service;
    private final long debounceNanos;
    private final Map<WatchKey, Path> directories = new ConcurrentHashMap<>();
    private final Map<Path, WatchKey> keys = new ConcurrentHashMap<>();
    /** Trees watched with every directory below them. */
    private final Set<Path> roots = ConcurrentHashMap.newKeySet();
    /** Directories watched alone, for the files in them; registered when they appear if they do not exist. */
    private final Set<Path> parents = ConcurrentHashMap.newKeySet();

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    /** Paths waiting for their debounce time; only the watcher's thread uses it. */
    private final Map<Path, Pending> pending = new LinkedHashMap<>();

    /** Directories that could not be watched, with the reason: changes of the files in them go unseen. */
    private final Map<Path, String> unwatched = new ConcurrentHashMap<>();
    /** When events were last lost ({@code System.nanoTime()}), or 0. */
    private volatile long lastOverflow;
    /** Why the watcher's thread stopped, or {@code null} while it runs. */
    private volatile String stopped;

    private final Thread thread;
    private volatile boolean closed;
    private boolean overflowPending;
    private long overflowAt;
    private long lastTick = System.nanoTime();

    /** Starts a watcher (and its daemon thread) that reports a path {@code debounce} after its last event. */
    public FileWatcher(Duration debounce) {
        this.debounceNanos = debounce.toNanos();
        try {
            this.service = FileSystems.getDefault().newWatchService();
        } catch (IOException e) {
            throw new CacheException("Cannot start watching files: " + e, e);
        }
        this.thread = new Thread(this::run, "terrace-file-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /**
     * Watches {@code root} and every directory below it, now and as they are created. A root that does not
     * exist yet is watched from the moment it is created; a root that is a file is watched as a file.
     */
    public void watchTree(Path root) {
        Path normal = Fingerprint.normalise(root);
        if (Files.isRegularFile(normal)) {
            watchFile(normal);
            return;
        }
        roots.add(normal);
        if (Files.isDirectory(normal)) {
            registerTree(normal, false);
        } else {
            awaitCreation(normal);
        }
    }

    /** Watches the directory of {@code file}, unless a watched tree covers it already. */
    public void watchFile(Path file) {
        Path normal = Fingerprint.normalise(file);
        Path parent = normal.getParent();
        if (parent == null || keys.containsKey(parent) || isBelowRoot(parent)) {
            return;
        }
        if (parents.add(parent)) {
            if (Files.isDirectory(parent)) {
                register(parent);
            } else {
                awaitCreation(parent);
            }
        }
    }

    /** How many directories are registered with the operating system. */
    public int watchedDirectories() {
        return keys.size();
    }

    @Override
    public void close() {
        closed = true;
        try {
            service.close();
        } catch (IOException e) {
            LOG.debug("Closing the watch service failed", e);
        }
        thread.interrupt();
    }

    private void run() {
        try {
            while (!closed) {
                WatchKey key = service.poll(waitNanos(), TimeUnit.NANOSECONDS);
                while (key != null) {
                    handle(key);
                    key = service.poll();
                }
                fireDue();
                tickIfDue();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // Closed.
        } catch (RuntimeException e) {
            stopped = e.toString();
            LOG.error("The file watcher stopped: file changes are no longer seen", e);
        }
    }

    /**
     * Why file changes may go unseen now, one line each, for the manager's health: the watcher stopped, a
     * directory could not be watched, or events were lost within the last 30 seconds. Empty when all is well.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        String why = stopped;
        if (why != null) {
            problems.add("The file watcher stopped (" + why + "): file changes are no longer seen");
        }
        unwatched.forEach((directory, reason) -> problems.add(
                "Cannot watch " + directory + " (" + reason + "): changes of the files in it are not seen"));
        long lost = lastOverflow;
        long ago = System.nanoTime() - lost;
        if (lost != 0 && ago < TimeUnit.SECONDS.toNanos(30)) {
            problems.add("File events were lost (the operating system's queue overflowed) "
                    + TimeUnit.NANOSECONDS.toSeconds(ago) + " s ago: every dependency was checked against its"
                    + " fingerprint");
        }
        return problems;
    }

    private void tickIfDue() {
        long now = System.nanoTime();
        if (now - lastTick < TimeUnit.SECONDS.toNanos(1)) {
            return;
        }
        lastTick = now;
        for (Listener listener : listeners) {
            try {
                listener.tick();
            } catch (RuntimeException e) {
                LOG.warn("A file dependency listener failed on a retry", e);
            }
        }
    }

    private long waitNanos() {
        long next = Long.MAX_VALUE;
        for (Pending each : pending.values()) {
            next = Math.min(next, each.deadline);
        }
        if (overflowPending) {
            next = Math.min(next, overflowAt);
        }
        long tick = lastTick + TimeUnit.SECONDS.toNanos(1);
        return Math.max(0, Math.min(next, tick) - System.nanoTime());
    }

    private void handle(WatchKey key) {
        Path directory = directories.get(key);
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == OVERFLOW) {
                LOG.warn("File events were lost (OVERFLOW): every dependency is checked against its fingerprint");
                lastOverflow = Math.max(1, System.nanoTime());
                overflowPending = true;
                overflowAt = System.nanoTime() + debounceNanos;
                continue;
            }
            if (directory == null) {
                continue;
            }
            Path path = directory.resolve((Path) event.context());
            boolean wasDirectory = keys.containsKey(path);
            if (event.kind() == ENTRY_CREATE && Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                wasDirectory = true;
                if (roots.contains(path) || isBelowRoot(path)) {
                    registerTree(path, true);
                } else if (parents.contains(path) || awaited(path)) {
                    register(path);
                    registerAwaitedBelow(path);
                }
            } else if (event.kind() == ENTRY_DELETE && wasDirectory) {
                unregister(path);
            }
            if (event.kind() == ENTRY_CREATE || event.kind() == ENTRY_MODIFY || event.kind() == ENTRY_DELETE) {
                schedule(path, wasDirectory);
            }
        }
        if (!key.reset() && directory != null) {
            // The directory itself went (deleted or renamed away).
            unregister(directory);
            schedule(directory, true);
        }
    }

    private void schedule(Path path, boolean directory) {
        long now = System.nanoTime();
        Pending existing = pending.get(path);
        if (existing == null) {
            pending.put(path, new Pending(now, now + debounceNanos, directory));
        } else {
            existing.deadline = Math.min(now + debounceNanos, existing.firstSeen + MAX_DELAY_FACTOR * debounceNanos);
            existing.directory |= directory;
        }
    }

    private void fireDue() {
        long now = System.nanoTime();
        if (overflowPending && overflowAt <= now) {
            overflowPending = false;
            pending.clear();
            for (Path root : roots) {
                if (Files.isDirectory(root)) {
                    registerTree(root, false);
                }
            }
            for (Listener listener : listeners) {
                try {
                    listener.overflow();
                } catch (RuntimeException e) {
                    LOG.warn("A file dependency listener failed on an overflow", e);
                }
            }
            return;
        }
        List<Map.Entry<Path, Pending>> due = new ArrayList<>();
        for (Iterator<Map.Entry<Path, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Path, Pending> each = it.next();
            if (each.getValue().deadline <= now) {
                due.add(each);
                it.remove();
            }
        }
        for (Map.Entry<Path, Pending> each : due) {
            for (Listener listener : listeners) {
                try {
                    listener.changed(each.getKey(), each.getValue().directory);
                } catch (RuntimeException e) {
                    LOG.warn("A file dependency listener failed on a change of {}", each.getKey(), e);
                }
            }
        }
    }

    /**
     * Registers {@code top} and every directory below it that is not registered yet; with {@code report}, the
     * files found are reported as changed (they may have been written before their directory was watched).
     */
    private void registerTree(Path top, boolean report) {
        try (Stream<Path> tree = Files.walk(top)) {
            for (Path each : (Iterable<Path>) tree::iterator) {
                if (Files.isDirectory(each, LinkOption.NOFOLLOW_LINKS)) {
                    if (!keys.containsKey(each)) {
                        register(each);
                    }
                } else if (report) {
                    schedule(each, false);
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.warn("Cannot watch every directory below {}: {}", top, e.toString());
        }
    }

    private void register(Path directory) {
        try {
            WatchKey key = directory.register(service, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
            directories.put(key, directory);
            keys.put(directory, key);
            unwatched.remove(directory);
        } catch (ClosedWatchServiceException e) {
            // Closing.
        } catch (IOException e) {
            unwatched.put(directory, e.toString());
            LOG.warn("Cannot watch directory {}: {}", directory, e.toString());
        }
    }

    private void unregister(Path directory) {
        for (Iterator<Map.Entry<Path, WatchKey>> it = keys.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Path, WatchKey> each = it.next();
            if (each.getKey().startsWith(directory)) {
                each.getValue().cancel();
                directories.remove(each.getValue());
                it.remove();
            }
        }
        unwatched.keySet().removeIf(path -> path.startsWith(directory));
        if (roots.contains(directory) || parents.contains(directory)) {
            awaitCreation(directory);
        }
    }

    /** Watches the nearest existing ancestor of {@code missing}, so that its creation is seen. */
    private void awaitCreation(Path missing) {
        Path ancestor = missing.getParent();
        while (ancestor != null && !Files.isDirectory(ancestor)) {
            ancestor = ancestor.getParent();
        }
        if (ancestor != null && !keys.containsKey(ancestor)) {
            register(ancestor);
        }
    }

    /** Whether {@code directory} leads to a root or a watched file's directory that does not exist yet. */
    private boolean awaited(Path directory) {
        for (Path root : roots) {
            if (root.startsWith(directory)) {
                return true;
            }
        }
        for (Path parent : parents) {
            if (parent.startsWith(directory)) {
                return true;
            }
        }
        return false;
    }

    /** After {@code created} appeared: registers what was awaited below it and already exists. */
    private void registerAwaitedBelow(Path created) {
        for (Path root : roots) {
            if (root.startsWith(created) && Files.isDirectory(root)) {
                registerTree(root, true);
            } else if (root.startsWith(created)) {
                awaitCreation(root);
            }
        }
        for (Path parent : parents) {
            if (parent.startsWith(created) && Files.isDirectory(parent) && !keys.containsKey(parent)) {
                register(parent);
                try (Stream<Path> files = Files.list(parent)) {
                    files.forEach(file -> schedule(file, false));
                } catch (IOException e) {
                    LOG.debug("Cannot list {}", parent, e);
                }
            } else if (parent.startsWith(created)) {
                awaitCreation(parent);
            }
        }
    }

    private boolean isBelowRoot(Path path) {
        for (Path root : roots) {
            if (path.startsWith(root)) {
                return true;
            }
        }
        return false;
    }

    private static final class Pending {
        final long firstSeen;
        long deadline;
        boolean directory;

        Pending(long firstSeen, long deadline, boolean directory) {
            this.firstSeen = firstSeen;
            this.deadline = deadline;
            this.directory = directory;
        }
    }
}
