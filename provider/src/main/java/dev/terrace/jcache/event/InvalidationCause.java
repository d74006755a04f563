package dev.terrace.jcache.event;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Why Terrace removed an entry on its own because something it was derived from changed. A {@code REMOVED}
 * event of such a removal unwraps to this type: {@code event.unwrap(InvalidationCause.class)}; events of a
 * caller's own removals carry no cause and refuse that unwrap.
 */
public sealed interface InvalidationCause {

    /**
     * A file the entry depends on changed (was written, deleted, renamed or replaced), or its fingerprint no
     * longer matches the one recorded when the entry was stored.
     *
     * @param file the absolute, normalised path of the file (or directory) that changed
     */
    record FileChanged(Path file) implements InvalidationCause {
        /**
         * Checks that the file is given.
         *
         * @param file the absolute, normalised path of the file (or directory) that changed
         * @throws NullPointerException when {@code file} is {@code null}
         */
        public FileChanged {
            Objects.requireNonNull(file, "file");
        }
    }

    /**
     * The entry depends on another entry, which was invalidated, updated or removed.
     *
     * @param fromKey the key of the entry this one depended on
     */
    record Cascade(Object fromKey) implements InvalidationCause {
        /**
         * Checks that the key is given.
         *
         * @param fromKey the key of the entry this one depended on
         * @throws NullPointerException when {@code fromKey} is {@code null}
         */
        public Cascade {
            Objects.requireNonNull(fromKey, "fromKey");
        }
    }

    /** The application asked for the invalidation through {@code FileDependencies#invalidate}. */
    record Requested() implements InvalidationCause {}
}
