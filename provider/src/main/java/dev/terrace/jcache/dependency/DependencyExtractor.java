package dev.terrace.jcache.dependency;

import java.io.File;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Finds the files an entry depends on from its key, each time the entry is stored. A cache with file
 * dependencies uses the {@linkplain #standard() standard extractor} unless it is given another through {@link
 * FileDependencies#extractWith}.
 *
 * <p>An extractor must be fast and must not throw: it runs while the entry's key is held. Relative paths are
 * resolved against the working directory and normalised, so {@code ./a/../b.txt} and the absolute path of
 * {@code b.txt} are the same dependency.
 */
@FunctionalInterface
public interface DependencyExtractor {

    /** The argument names the standard extractor reads paths from in map keys, compared without case. */
    Set<String> PATH_LIKE_NAMES = Set.of("path", "paths", "file", "files", "filepath", "filepaths", "directory", "dir");

    /**
     * The files the entry stored under {@code key} depends on.
     *
     * @param key the key an entry is being stored under
     * @return the paths, empty when none
     */
    Collection<Path> filesOf(Object key);

    /**
     * An extractor that finds no dependencies: entries depend only on what they are explicitly given.
     *
     * @return the extractor that always answers no file
     */
    static DependencyExtractor none() {
        return key -> List.of();
    }

    /**
     * The standard extractor: keys that {@link DeclaresFiles declare their files}, and keys that are maps of
     * argument names to values (a tool call's arguments, say) whose names are path-like ({@link
     * #PATH_LIKE_NAMES}) with a {@link Path}, {@link File} or string value, or a collection of them. Anything
     * else depends on no file.
     *
     * @return the standard extractor
     */
    static DependencyExtractor standard() {
        return DependencyExtractor::standardFiles;
    }

    /**
     * An extractor that applies {@code function} to keys of {@code keyType} (others depend on no file); for a
     * cache whose keys carry their paths in a form of their own.
     *
     * @param <K> the type of the keys that carry paths
     * @param keyType the class of those keys
     * @param function the paths of a key; may return {@code null} for none
     * @return the extractor
     */
    static <K> DependencyExtractor of(Class<K> keyType, Function<? super K, ? extends Collection<Path>> function) {
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(function, "function");
        return key -> {
            if (!keyType.isInstance(key)) {
                return List.of();
            }
            Collection<Path> files = function.apply(keyType.cast(key));
            return files == null ? List.of() : files;
        };
    }

    /**
     * The files this extractor finds and those {@code other} finds, together.
     *
     * @param other the second extractor, asked after this one
     * @return the combined extractor
     */
    default DependencyExtractor and(DependencyExtractor other) {
        Objects.requireNonNull(other, "other");
        return key -> {
            List<Path> files = new ArrayList<>(filesOf(key));
            files.addAll(other.filesOf(key));
            return files;
        };
    }

    private static Collection<Path> standardFiles(Object key) {
        if (key instanceof DeclaresFiles declares) {
            Collection<Path> files = declares.files();
            return files == null ? List.of() : files;
        }
        if (!(key instanceof Map<?, ?> arguments)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        for (Map.Entry<?, ?> argument : arguments.entrySet()) {
            if (argument.getKey() instanceof String name
                    && PATH_LIKE_NAMES.contains(name.toLowerCase(Locale.ROOT).replace("_", ""))) {
                addPaths(argument.getValue(), files);
            }
        }
        return files;
    }

    private static void addPaths(Object value, List<Path> files) {
        if (value instanceof Path path) {
            files.add(path);
        } else if (value instanceof File file) {
            files.add(file.toPath());
        } else if (value instanceof CharSequence text && !text.toString().isBlank()) {
            try {
                files.add(Path.of(text.toString().trim()));
            } catch (InvalidPathException e) {
                // Not a path after all (an argument that merely has a path-like name): no dependency.
            }
        } else if (value instanceof Collection<?> values) {
            for (Object each : values) {
                addPaths(each, files);
            }
        } else if (value instanceof Object[] values) {
            for (Object each : values) {
                addPaths(each, files);
            }
        }
    }
}
