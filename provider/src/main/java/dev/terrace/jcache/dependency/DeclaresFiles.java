package dev.terrace.jcache.dependency;

import java.nio.file.Path;
import java.util.Collection;

/**
 * A cache key that names the files its entry is derived from. The {@linkplain DependencyExtractor#standard()
 * standard extractor} makes every entry stored under such a key depend on those files, so that a change to any
 * of them invalidates the entry.
 */
public interface DeclaresFiles {

    /**
     * The files (or directories) the entry of this key is derived from.
     *
     * @return the paths; relative ones are resolved against the working directory; empty or {@code null} for none
     */
    Collection<Path> files();
}
